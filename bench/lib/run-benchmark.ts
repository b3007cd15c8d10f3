// Every benchmark's entry: runs its main, then exits (open handles of the stack must not keep it alive);
// 1 with the error printed when it failed.
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
