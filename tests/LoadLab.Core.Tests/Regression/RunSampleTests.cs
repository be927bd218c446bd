using LoadLab.Core.Regression;
using LoadLab.Core.Results;
using LoadLab.Core.Tests.Results;

namespace LoadLab.Core.Tests.Regression;

public sealed class RunSampleTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "loadlab-sample-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void From_WrittenRun_HeadlinesFromTheSummaryAndSecondsOfTheMeasuredWindowFromTheSeries()
    {
        WrittenRun.Write(_directory);

        var sample = RunSample.From(RunResults.Load(_directory));

        Assert.Equal("written", sample.RunId);
        Assert.Equal(11, sample.Headline["produce.p99"]);
        Assert.Equal(100, sample.Headline["rate.achieved"]);
        Assert.Equal(4.5, sample.Headline["recovery"]);
        Assert.False(sample.Headline.ContainsKey("lost"), "a run without an audit has no loss to compare");
        // Seconds 2..11: the warm-up's two seconds are left out; the series' p99 of second s is s + 1.
        Assert.Equal(Enumerable.Range(WrittenRun.WarmupSeconds, WrittenRun.Seconds - WrittenRun.WarmupSeconds).Select(s => s + 1.0), sample.Intervals["produce.p99"]);
        Assert.Equal(Enumerable.Repeat(100.0, WrittenRun.Seconds - WrittenRun.WarmupSeconds), sample.Intervals["rate.achieved"]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
