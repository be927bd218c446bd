// Every test here runs a cluster and measures time: side by side they starve each other of the two cores
// and check each other's threads, so they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
