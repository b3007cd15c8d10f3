// The OAuth authorize step as a user of the Google sandbox runs it: the adapter's authorization URL, re-rooted
// at the fake, signed in as `email` (login_hint); the fake consents at once and redirects with the code. Used
// by the in-process fake's control object and by benchmarks that drive a fake in its own process over HTTP.
export async function authorizeAsUser(
  baseUrl: string,
  authorizationUrl: string,
  email: string,
): Promise<{ code: string; state: string; redirectUri: string }> {
  const url = new URL(authorizationUrl);
  const target = new URL(`${url.pathname}${url.search}`, baseUrl);
  target.searchParams.set('login_hint', email);
  const response = await fetch(target, { redirect: 'manual' });
  await response.arrayBuffer();
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`authorize failed with status ${response.status}`);
  const redirect = new URL(location);
  const code = redirect.searchParams.get('code');
  if (!code) throw new Error(`authorize redirected with error ${redirect.searchParams.get('error') ?? 'unknown'}`);
  return { code, state: redirect.searchParams.get('state') ?? '', redirectUri: `${redirect.origin}${redirect.pathname}` };
}
