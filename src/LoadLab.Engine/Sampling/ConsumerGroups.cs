using LoadLab.Core.Measurement;
using LoadLab.Core.Measurement.Recovery;
using LoadLab.Engine.Running;

namespace LoadLab.Engine.Sampling;

/// <summary>One interval of the consumer groups, in group order: messages consumed, and lag at the interval's end.</summary>
internal sealed record GroupsInterval(long Consumed, (long Messages, double Seconds)[] Lag, GroupInterval[] Groups);

/// <summary>
/// The consumer groups once per interval: messages consumed, lag in messages and seconds (from the partition ledger,
/// without asking the broker), the worst lag of the run, and the lag series and rebalance times the recovery analysis
/// reads.
/// </summary>
internal sealed class ConsumerGroups
{
    private readonly IReadOnlyList<GroupProgress> _groups;
    private readonly PartitionLedger _ledger;
    private readonly long[] _consumed;
    private readonly int[] _rebalances;
    private readonly long[] _maxLagMessages;
    private readonly double[] _maxLagSeconds;
    private readonly List<LagSample>[] _lagSamples;
    private readonly List<double>[] _rebalanceSeconds;

    public ConsumerGroups(IReadOnlyList<GroupProgress> groups, PartitionLedger ledger)
    {
        _groups = groups;
        _ledger = ledger;
        _consumed = new long[groups.Count];
        _rebalances = new int[groups.Count];
        _maxLagMessages = new long[groups.Count];
        _maxLagSeconds = new double[groups.Count];
        _lagSamples = [.. groups.Select(_ => new List<LagSample>())];
        _rebalanceSeconds = [.. groups.Select(_ => new List<double>())];
        Names = [.. groups.Select(g => g.Group)];
    }

    /// <summary>The groups' names, in the order of every list this class returns.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The groups since the last call, their lag at <paramref name="nowMicros"/> of the run clock.</summary>
    public GroupsInterval Close(long nowMicros)
    {
        var lags = new (long Messages, double Seconds)[_groups.Count];
        var intervals = new GroupInterval[_groups.Count];
        for (var g = 0; g < _groups.Count; g++)
        {
            var progress = _groups[g];
            var consumed = progress.Consumed;
            lags[g] = progress.Lag(_ledger, nowMicros);
            _lagSamples[g].Add(new LagSample(nowMicros / 1_000_000.0, lags[g].Messages, lags[g].Seconds));
            var rebalances = progress.Rebalances;
            if (rebalances != _rebalances[g])
            {
                _rebalanceSeconds[g].Add(nowMicros / 1_000_000.0);
                _rebalances[g] = rebalances;
            }

            _maxLagMessages[g] = Math.Max(_maxLagMessages[g], lags[g].Messages);
            _maxLagSeconds[g] = Math.Max(_maxLagSeconds[g], lags[g].Seconds);
            intervals[g] = new GroupInterval(progress.Group, progress.Topic, consumed - _consumed[g], lags[g].Messages, lags[g].Seconds);
            _consumed[g] = consumed;
        }

        return new GroupsInterval(intervals.Sum(g => g.Consumed), lags, intervals);
    }

    /// <summary>The largest lag of group <paramref name="group"/> at any interval's end.</summary>
    public (long Messages, double Seconds) MaxLag(int group) => (_maxLagMessages[group], _maxLagSeconds[group]);

    /// <summary>Each group's lag once per interval and when it rebalanced (for recovery analysis).</summary>
    public IReadOnlyList<GroupLagSeries> LagSeries() =>
        [.. _groups.Select((g, i) => new GroupLagSeries(g.Group, _lagSamples[i], _rebalanceSeconds[i]))];
}
