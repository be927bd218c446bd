using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Capacity;

/// <summary>Turns a scenario into one step of a maximum-rate search: every rate scaled, short, without faults.</summary>
public static class ScenarioScaling
{
    /// <summary>Sum of the streams' base rates: the rate a factor of 1 stands for.</summary>
    public static double BaseRate(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.Traffic.Sum(s => s.Rate);
    }

    /// <summary>
    /// The scenario at <paramref name="targetRate"/> (its base rates scaled alike), lasting
    /// <paramref name="warmup"/> + <paramref name="duration"/>. Absolute rates (base, step and ramp targets)
    /// scale; spike multipliers and sine amplitudes are relative and stay. Faults are left out: the search
    /// asks what the healthy cluster sustains. Phases later than the shortened run simply never start.
    /// </summary>
    public static Scenario Scale(Scenario scenario, double targetRate, TimeSpan warmup, TimeSpan duration)
    {
        var baseRate = BaseRate(scenario);
        if (!(baseRate > 0))
        {
            throw new ArgumentException($"Scenario '{scenario.Name}' has no traffic rate to scale.", nameof(scenario));
        }

        var factor = targetRate / baseRate;
        return scenario with
        {
            Warmup = warmup,
            Duration = duration,
            Faults = [],
            Traffic = [.. scenario.Traffic.Select(stream => stream with
            {
                Rate = stream.Rate * factor,
                Phases = [.. stream.Phases.Select(phase => phase switch
                {
                    StepPhase step => step with { Rate = step.Rate * factor },
                    RampPhase ramp => ramp with { To = ramp.To * factor },
                    _ => phase,
                })],
            })],
        };
    }
}
