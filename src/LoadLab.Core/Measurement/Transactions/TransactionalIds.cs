using System.Globalization;

namespace LoadLab.Core.Measurement.Transactions;

/// <summary>
/// The transactional ids LoadLab gives its producers: one per producer instance, derived from the topic it writes to
/// (the cluster's name, so a per-run topic prefix makes ids per run), the stream or transforming group that owns it and
/// the instance's index — the same on every run of the scenario against the same topics. A restarted instance (after a
/// fatal error) and the same instance of the next run thus reuse the id, and <c>init_transactions</c> fences the one
/// before and aborts whatever transaction it left open, instead of leaving it to block read_committed consumers until
/// its transaction timeout.
/// </summary>
public static class TransactionalIds
{
    /// <summary>The transactional id of instance <paramref name="instance"/> of <paramref name="owner"/> writing to <paramref name="topic"/>.</summary>
    public static string For(string topic, string owner, int instance)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(instance);
        return $"loadlab.{topic}.{owner}.{instance.ToString(CultureInfo.InvariantCulture)}";
    }
}
