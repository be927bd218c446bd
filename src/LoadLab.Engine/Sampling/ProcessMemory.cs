using LoadLab.Core.Results;

namespace LoadLab.Engine.Sampling;

/// <summary>The process's memory once per interval: the row's values and the run's peaks.</summary>
internal sealed class ProcessMemory
{
    private long _peakRss;
    private long _peakHeap;
    private long _firstMinuteRss;
    private long _lastRss;

    /// <summary>The working set and managed heap at the end of <paramref name="second"/>.</summary>
    public (long Rss, long Heap) Close(int second)
    {
        var rss = Environment.WorkingSet;
        // The managed heap as the last collection left it: the allocations since then are mostly garbage
        // (the consumer client allocates per message), so counting them would make the series a saw-tooth.
        var heap = GC.GetGCMemoryInfo().HeapSizeBytes;
        _peakRss = Math.Max(_peakRss, rss);
        _peakHeap = Math.Max(_peakHeap, heap);
        _lastRss = rss;
        if (second < 60)
        {
            _firstMinuteRss = rss;
        }

        return (rss, heap);
    }

    public ResourceSummary Summary() => new(_peakRss, _peakHeap, _firstMinuteRss, _lastRss);
}
