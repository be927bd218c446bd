using LoadLab.Core.Yaml;

namespace LoadLab.Core.Scenarios;

/// <summary>
/// Shortens a scenario to a shorter measured duration (<c>loadlab run --duration</c>), so a CI smoke run of a long
/// scenario is possible: what starts at or after the new end never happens and is dropped; a fault whose revert falls
/// after the end is reverted at the end; SLOs that judge fault windows go with the last fault. Rate phases and hot-key
/// windows that straddle the end simply stop with the load. Every change is listed, so nobody mistakes the smoke run
/// for the scenario.
/// </summary>
public static class ScenarioClipping
{
    /// <summary>
    /// <paramref name="scenario"/> with a measured duration of <paramref name="duration"/> (its warm-up kept) and what
    /// no longer fits removed or cut. A duration at least as long as the scenario's changes only the duration.
    /// </summary>
    public static ClippedScenario Clip(Scenario scenario, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var end = scenario.Warmup + duration;
        var changes = new List<ClipChange>();
        var runEnd = $"the run's end at {Durations.Format(end)}";

        var traffic = scenario.Traffic.Select((stream, s) =>
        {
            var path = $"traffic[{s}]";
            var phases = new List<RatePhase>();
            for (var i = 0; i < stream.Phases.Count; i++)
            {
                var phase = stream.Phases[i];
                if (phase.At >= end)
                {
                    changes.Add(new ClipChange($"{path}.phases[{i}]", $"{Describe(phase)} dropped: it starts at or after {runEnd}"));
                }
                else
                {
                    phases.Add(phase);
                    if (End(phase) is { } phaseEnd && phaseEnd > end)
                    {
                        changes.Add(new ClipChange($"{path}.phases[{i}]", $"{Describe(phase)} cut: it stops with the load at {Durations.Format(end)} instead of {Durations.Format(phaseEnd)}"));
                    }
                }
            }

            var hotKeys = new List<HotKeyWindow>();
            for (var i = 0; i < stream.Keys.HotKeys.Count; i++)
            {
                var window = stream.Keys.HotKeys[i];
                if (window.At >= end)
                {
                    changes.Add(new ClipChange($"{path}.keys.hot-keys[{i}]", $"the hot-key window at {Durations.Format(window.At)} dropped: it starts at or after {runEnd}"));
                }
                else
                {
                    hotKeys.Add(window);
                    if (window.At + window.Duration > end)
                    {
                        changes.Add(new ClipChange($"{path}.keys.hot-keys[{i}]", $"the hot-key window at {Durations.Format(window.At)} cut: it stops with the load at {Durations.Format(end)} instead of {Durations.Format(window.At + window.Duration)}"));
                    }
                }
            }

            return stream with
            {
                Phases = phases,
                Keys = stream.Keys with { HotKeys = hotKeys },
                Payload = stream.Payload with { Growth = ClipGrowth(stream.Payload.Growth, $"{path}.payload.growth", scenario.TotalDuration, end, runEnd, changes) },
            };
        }).ToList();

        var faults = new List<FaultSpec>();
        for (var i = 0; i < scenario.Faults.Count; i++)
        {
            var fault = scenario.Faults[i];
            var name = FaultActionNames.Name(fault.Action);
            if (fault.At >= end)
            {
                changes.Add(new ClipChange($"faults[{i}]", $"{name} at {Durations.Format(fault.At)} dropped: it starts at or after {runEnd}"));
                continue;
            }

            if (fault.Duration is { } faultDuration && fault.At + faultDuration > end)
            {
                changes.Add(new ClipChange($"faults[{i}]", $"{name} at {Durations.Format(fault.At)} cut: reverted at {Durations.Format(end)} instead of {Durations.Format(fault.At + faultDuration)}"));
                fault = fault with { Duration = end - fault.At };
            }

            faults.Add(fault);
        }

        var slos = new List<SloSpec>();
        for (var i = 0; i < scenario.Slos.Count; i++)
        {
            var slo = scenario.Slos[i];
            if (faults.Count == 0 && scenario.Faults.Count > 0 && JudgesFaults(slo))
            {
                changes.Add(new ClipChange($"slos[{i}]", $"'{slo.Name}' dropped: it judges the faults, and none is left"));
                continue;
            }

            slos.Add(slo);
        }

        return new ClippedScenario(
            scenario with { Duration = duration, Traffic = traffic, Faults = faults, Slos = slos },
            changes);
    }

    /// <summary>Recovery, and any metric taken during or after fault windows, means nothing without a fault.</summary>
    private static bool JudgesFaults(SloSpec slo) => slo.Metric == "recovery" || slo.Phase is SloPhase.During or SloPhase.After;

    private static PayloadGrowth? ClipGrowth(PayloadGrowth? growth, string path, TimeSpan oldEnd, TimeSpan end, string runEnd, List<ClipChange> changes)
    {
        if (growth is null)
        {
            return null;
        }

        if (growth.LinearTo is { } target && oldEnd > end)
        {
            changes.Add(new ClipChange($"{path}.linear-to", $"grows to {target} B by {Durations.Format(end)} instead of {Durations.Format(oldEnd)}: the growth is spread over the shorter run"));
        }

        var steps = growth.Steps.Where(s => s.At < end).ToList();
        foreach (var (step, i) in growth.Steps.Select((s, i) => (s, i)).Where(x => x.s.At >= end))
        {
            changes.Add(new ClipChange($"{path}.steps[{i}]", $"the size step to {step.Size} B at {Durations.Format(step.At)} dropped: it is at or after {runEnd}"));
        }

        var blocks = growth.Blocks.Where(b => b.At < end).ToList();
        foreach (var (block, i) in growth.Blocks.Select((b, i) => (b, i)).Where(x => x.b.At >= end))
        {
            changes.Add(new ClipChange($"{path}.blocks[{i}]", $"the {block.Block} block at {Durations.Format(block.At)} dropped: it is at or after {runEnd}"));
        }

        return growth with { Steps = steps, Blocks = blocks };
    }

    private static TimeSpan? End(RatePhase phase) => phase switch
    {
        RampPhase ramp => ramp.At + ramp.Duration,
        SpikePhase spike => spike.At + spike.Duration,
        SinePhase { Duration: { } duration } sine => sine.At + duration,
        _ => null,
    };

    private static string Describe(RatePhase phase) => phase switch
    {
        StepPhase step => $"the step to {step.Rate:0.###}/s at {Durations.Format(step.At)}",
        RampPhase ramp => $"the ramp to {ramp.To:0.###}/s at {Durations.Format(ramp.At)}",
        SpikePhase spike => $"the spike x{spike.Multiplier:0.###} at {Durations.Format(spike.At)}",
        SinePhase sine => $"the sine at {Durations.Format(sine.At)}",
        _ => $"the phase at {Durations.Format(phase.At)}",
    };
}

/// <summary>A scenario shortened by <see cref="ScenarioClipping.Clip"/> and what the shortening changed, in file order.</summary>
public sealed record ClippedScenario(Scenario Scenario, IReadOnlyList<ClipChange> Changes);

/// <summary>One thing a shorter duration dropped or cut, by its YAML path (e.g. <c>faults[2]</c>).</summary>
public sealed record ClipChange(string Path, string What)
{
    public override string ToString() => $"{Path}: {What}";
}
