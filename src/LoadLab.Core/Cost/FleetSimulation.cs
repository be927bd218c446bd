namespace LoadLab.Core.Cost;

/// <summary>How a platform follows the load: after how long above capacity it adds brokers, and when it removes them.</summary>
/// <param name="TriggerSeconds">Demand must exceed the running brokers this long before a scale-out starts.</param>
/// <param name="DelaySeconds">From that decision until the new brokers carry load (billed from the decision).</param>
/// <param name="ScaleInSeconds">Demand must stay below the running brokers this long before brokers are removed.</param>
public sealed record Elasticity(double TriggerSeconds, double DelaySeconds, double ScaleInSeconds);

/// <summary>The fleet the simulation settled on.</summary>
/// <param name="Floor">Brokers kept running all month.</param>
/// <param name="BindingLimit">What one broker fewer would run out of (a limit's name, or <c>minimum brokers</c>).</param>
/// <param name="MeanBrokers">Brokers billed on average over the profile (scale-outs and their billing minimum included).</param>
/// <param name="PeakBrokers">Most brokers running at once.</param>
/// <param name="LaunchesPerPeriod">Scale-outs (brokers launched) per repetition of the profile.</param>
/// <param name="AverageBrokers">Brokers the average load needs at the baseline of every limit.</param>
/// <param name="PeakDemandBrokers">Brokers the busiest second needs at the baseline of every limit.</param>
public sealed record FleetResult(int Floor, string BindingLimit, double MeanBrokers, int PeakBrokers, int LaunchesPerPeriod, int AverageBrokers, int PeakDemandBrokers);

/// <summary>
/// Sizes a fleet by simulating a repeating per-second load profile, the same way for every architecture: each broker
/// carries an equal share; a resource that can burst (EC2 network, EBS) spends credits while above its baseline and
/// earns them back below it, starting full (AWS gives an instance its maximum network I/O credits at launch); an
/// elastic platform adds brokers once demand has exceeded capacity for its trigger time and they arrive after its
/// delay, and removes them after its scale-in time. The floor is the fewest brokers for which no resource is ever
/// exceeded and no credit bucket runs dry over two repetitions of the profile (the second one is the steady state
/// that is billed). So a 10-second spike costs nobody a doubled fleet (credits absorb it) and a two-hour daily peak
/// costs both kinds of platform: a static fleet big enough to outlast it, or the scale-out that follows it.
/// </summary>
public static class FleetSimulation
{
    private const double Tolerance = 1e-9;

    public static FleetResult Size(
        IReadOnlyList<double> ingressMiBps,
        IReadOnlyList<BrokerLimit> limits,
        double headroom,
        int minBrokers,
        Elasticity? elasticity,
        double billingMinimumSeconds,
        int brokerMultiple = 1)
    {
        ArgumentNullException.ThrowIfNull(ingressMiBps);
        ArgumentNullException.ThrowIfNull(limits);
        if (ingressMiBps.Count == 0)
        {
            throw new ArgumentException("The load profile needs at least one second.", nameof(ingressMiBps));
        }

        var staticNeed = limits.Where(l => !l.IsRate).Select(l => l.StaticBrokers).DefaultIfEmpty(0).Max();
        var fixedNeed = RoundUp(Math.Max(minBrokers, staticNeed), brokerMultiple);
        var demand = ingressMiBps.Select(w => Demand(w, limits, headroom)).ToArray();
        var averageBrokers = Math.Max(fixedNeed, Demand(ingressMiBps.Average(), limits, headroom));
        var peakDemand = Math.Max(fixedNeed, demand.Max());
        var upper = RoundUp(peakDemand, brokerMultiple);

        // Credits cannot carry more than the baseline on average, so a static fleet needs at least what the average
        // load needs. An elastic one keeps at least the lowest demand it would ever scale in to: the least demand
        // that lasts a whole scale-in period (below that the autoscaler never gets to remove brokers).
        var lower = elasticity is null
            ? RoundUp(averageBrokers, brokerMultiple)
            : RoundUp(Math.Max(fixedNeed, LowestSustained(demand, (int)Math.Max(1, elasticity.ScaleInSeconds))), brokerMultiple);

        // Feasibility only improves with more brokers, so the smallest feasible floor is found by bisection.
        var (low, high) = (lower, upper);
        while (low < high)
        {
            var middle = RoundUp(low + ((high - low) / 2), brokerMultiple);
            if (middle >= high)
            {
                middle = low;
            }

            if (Simulate(ingressMiBps, limits, headroom, middle, elasticity, billingMinimumSeconds).Failed is null)
            {
                high = middle;
            }
            else
            {
                low = middle + brokerMultiple;
            }
        }

        var floor = Math.Max(lower, high);
        var run = Simulate(ingressMiBps, limits, headroom, floor, elasticity, billingMinimumSeconds);
        string binding;
        if (floor <= fixedNeed)
        {
            binding = staticNeed >= minBrokers && staticNeed > 0
                ? limits.Where(l => !l.IsRate).MaxBy(l => l.StaticBrokers)!.Name
                : "minimum brokers";
        }
        else if (floor == lower)
        {
            // Held at the lower bound: the limit the average load (static fleet) or the lowest sustained load (elastic) needs most of.
            var level = elasticity is null ? ingressMiBps.Average() : ingressMiBps.Min();
            binding = limits.Where(l => l.IsRate).MaxBy(l => l.BrokersAtBaseline(level, headroom) + (l.BytesPerIngressByte * level / l.BaselineMiBps * 1e-9))!.Name;
        }
        else
        {
            // The limit one broker fewer would exceed, credits included.
            binding = Simulate(ingressMiBps, limits, headroom, floor - brokerMultiple, elasticity, billingMinimumSeconds).Failed ?? "minimum brokers";
        }

        return new FleetResult(floor, binding, run.MeanBrokers, run.PeakBrokers, run.Launches, averageBrokers, peakDemand);
    }

    /// <summary>Brokers that carry <paramref name="ingressMiBps"/> at the baseline of every rate limit with headroom.</summary>
    public static int Demand(double ingressMiBps, IReadOnlyList<BrokerLimit> limits, double headroom) =>
        limits.Where(l => l.IsRate).Select(l => l.BrokersAtBaseline(ingressMiBps, headroom)).DefaultIfEmpty(0).Max();

    private static int RoundUp(int brokers, int multiple) => (brokers + multiple - 1) / multiple * multiple;

    /// <summary>The least demand held for <paramref name="window"/> consecutive seconds of the repeating profile.</summary>
    private static int LowestSustained(int[] demand, int window)
    {
        var period = demand.Length;
        window = Math.Min(window, period);
        var lowest = int.MaxValue;
        // Monotonic deque of the window's maximum over two laps, so windows wrapping around the period count too.
        var candidates = new LinkedList<int>();
        for (var i = 0; i < period + window - 1; i++)
        {
            var value = demand[i % period];
            while (candidates.Count > 0 && demand[candidates.Last!.Value % period] <= value)
            {
                candidates.RemoveLast();
            }

            candidates.AddLast(i);
            if (candidates.First!.Value <= i - window)
            {
                candidates.RemoveFirst();
            }

            if (i >= window - 1)
            {
                lowest = Math.Min(lowest, demand[candidates.First.Value % period]);
            }
        }

        return lowest;
    }

    private static (string? Failed, double MeanBrokers, int PeakBrokers, int Launches) Simulate(
        IReadOnlyList<double> ingress, IReadOnlyList<BrokerLimit> limits, double headroom, int floor, Elasticity? elasticity, double billingMinimum)
    {
        var rates = limits.Where(l => l.IsRate).ToArray();
        var credits = rates.Select(l => l.CreditMiB).ToArray();
        var period = ingress.Count;
        var running = new List<int>(); // launch second of each broker above the floor (newest last)
        var pending = new Queue<(int Arrival, int Launched)>();
        var brokers = floor;
        var above = 0;
        var below = 0;
        double billed = 0;
        var peak = floor;
        var launches = 0;
        for (var step = 0; step < 2 * period; step++)
        {
            var steady = step >= period;
            while (pending.Count > 0 && pending.Peek().Arrival <= step)
            {
                var (_, launched) = pending.Dequeue();
                for (var i = 0; i < rates.Length; i++)
                {
                    // A new broker starts with full credits; the fleet's share is the average.
                    credits[i] = ((credits[i] * brokers) + rates[i].CreditMiB) / (brokers + 1);
                }

                brokers++;
                running.Add(launched);
            }

            var load = ingress[step % period];
            string? failed = null;
            var worst = 0.0;
            for (var i = 0; i < rates.Length; i++)
            {
                var limit = rates[i];
                var perBroker = load * limit.BytesPerIngressByte / brokers;
                var sustained = limit.BaselineMiBps / (1 + headroom);
                bool exceeded;
                if (limit.CanBurst)
                {
                    // Credits are earned below the sustained rate and spent above it, up to a full bucket.
                    credits[i] = Math.Min(limit.CreditMiB, credits[i] + sustained - perBroker);
                    exceeded = perBroker > limit.BurstMiBps * (1 + Tolerance) || credits[i] < -Tolerance;
                }
                else
                {
                    exceeded = perBroker > sustained * (1 + Tolerance);
                }

                // Where several limits run out at once, the one most overloaded is the binding one.
                if (exceeded && perBroker / sustained > worst)
                {
                    worst = perBroker / sustained;
                    failed = limit.Name;
                }
            }

            if (failed is not null)
            {
                return (failed, 0, 0, 0);
            }

            if (elasticity is not null)
            {
                var demand = Math.Max(floor, Demand(load, limits, headroom));
                var coming = brokers + pending.Count;
                above = demand > coming ? above + 1 : 0;
                if (above >= Math.Max(1, elasticity.TriggerSeconds))
                {
                    for (var added = coming; added < demand; added++)
                    {
                        pending.Enqueue((step + (int)Math.Ceiling(elasticity.DelaySeconds), step));
                        launches += steady ? 1 : 0;
                    }

                    above = 0;
                }

                below = demand < brokers && pending.Count == 0 ? below + 1 : 0;
                if (below >= Math.Max(1, elasticity.ScaleInSeconds))
                {
                    while (brokers > demand && running.Count > 0)
                    {
                        var launchedAt = running[^1];
                        running.RemoveAt(running.Count - 1);
                        brokers--;
                        if (steady)
                        {
                            // A broker billed for less than the minimum pays the minimum.
                            billed += Math.Max(0, billingMinimum - (step - launchedAt));
                        }
                    }

                    below = 0;
                }
            }

            if (steady)
            {
                // Brokers on their way are billed from the launch decision.
                billed += brokers + pending.Count;
                peak = Math.Max(peak, brokers);
            }
        }

        return (null, billed / period, peak, launches);
    }
}
