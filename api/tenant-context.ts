// What an authenticated request works with: the service's objects bound to the caller's organization. Every
// database access of an authenticated route goes through the tenant-scoped client (db/tenant-scope.ts), so on
// PostgreSQL the database itself shows the request only its organization's rows, whatever a query asks for.
// Public routes keep the system client (webhooks, feeds and OAuth states are found by secrets, not tenants).
import { tenantScoped } from '../db/tenant-scope';
import { OAuthClientResolver } from '../services/oauth/oauth-clients';
import { ConnectionService } from '../services/oauth/connecting';
import { TokenService } from '../services/oauth/token-service';
import type { ApiContext } from './context';

export function tenantContext(ctx: ApiContext, organizationId: string): ApiContext {
  const db = tenantScoped(ctx.db, organizationId);
  const vault = ctx.vault.using(db);
  const oauthClients = new OAuthClientResolver({ db, vault, providers: ctx.providers });
  const tokens = new TokenService({
    db,
    vault,
    providers: ctx.providers,
    oauthClients,
    budget: ctx.budget,
    metrics: ctx.metrics,
    logger: ctx.logger.child({ component: 'tokens' }),
  });
  const scoped = { ...ctx, db, vault, oauthClients, tokens };
  return { ...scoped, connecting: new ConnectionService({ ...scoped, workflows: ctx.workflows }) };
}

/** The context public routes see: the system client as their database. */
export function publicContext(ctx: ApiContext): ApiContext {
  return { ...ctx, db: ctx.systemDb };
}
