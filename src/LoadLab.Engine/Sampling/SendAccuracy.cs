using LoadLab.Core.Results;
using LoadLab.Engine.Producing;

namespace LoadLab.Engine.Sampling;

/// <summary>
/// How closely the generator kept the schedule: messages are counted by when each was handed to the client (not by when
/// the sampler woke up, which a busy machine delays), over whole measured seconds inside the load only, so messages sent
/// late — after their second, or after the load — count against the generator, as they should.
/// </summary>
internal sealed class SendAccuracy(IReadOnlyList<OpenLoopProducer> producers, int warmupSeconds, double loadSeconds)
{
    private double _worstSecondErrorPercent;
    private double _wholeSecondsTarget;
    private long _wholeSecondsSent;

    /// <summary>Compares what was sent in <paramref name="second"/> with its <paramref name="target"/>.</summary>
    public void Close(int second, double target)
    {
        var sentInSecond = producers.Sum(p => p.SentInSecond(second));
        if (second >= warmupSeconds && second + 1 <= loadSeconds && target >= 1)
        {
            _worstSecondErrorPercent = Math.Max(_worstSecondErrorPercent, Math.Abs(sentInSecond - target) / target * 100);
            _wholeSecondsTarget += target;
            _wholeSecondsSent += sentInSecond;
        }
    }

    /// <summary>The accuracy over the seconds closed so far, beside the schedule delay's p99.</summary>
    public RateAccuracy Summary(double scheduleDelayP99Ms) => new(
        Math.Round(_wholeSecondsTarget > 0 ? (_wholeSecondsSent - _wholeSecondsTarget) / _wholeSecondsTarget * 100 : 0, 3),
        Math.Round(_worstSecondErrorPercent, 3),
        scheduleDelayP99Ms);
}
