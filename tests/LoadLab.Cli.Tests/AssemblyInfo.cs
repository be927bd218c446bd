// Many tests here start the CLI with a cluster in a child process: one at a time, so their timings and fault
// confirmations are not distorted by each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
