using LoadLab.Core.Capacity;
using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Tests.Capacity;

public sealed class ScenarioScalingTests
{
    [Fact]
    public void Scale_TwoStreamsWithPhases_ScalesAbsoluteRatesKeepsRelativeOnesAndDropsFaults()
    {
        var scenario = new Scenario
        {
            Name = "s",
            Duration = TimeSpan.FromMinutes(5),
            Topics = [new TopicSpec("t", 1, 1)],
            Traffic =
            [
                new TrafficStream
                {
                    Name = "a", Topic = "t", Rate = 300,
                    Phases = [new RampPhase(TimeSpan.Zero, TimeSpan.FromSeconds(5), 600), new SpikePhase(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(1), 3), new StepPhase(TimeSpan.FromSeconds(8), 900)],
                },
                new TrafficStream { Name = "b", Topic = "t", Rate = 700 },
            ],
            Faults = [new FaultSpec { Action = FaultAction.BrokerKill, Target = new BrokerTarget(1), At = TimeSpan.FromSeconds(3) }],
        };

        var scaled = ScenarioScaling.Scale(scenario, 10_000, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10));

        Assert.Equal(10_000, ScenarioScaling.BaseRate(scaled), 6);
        Assert.Equal(3_000, scaled.Traffic[0].Rate, 6);
        Assert.Equal(6_000, Assert.IsType<RampPhase>(scaled.Traffic[0].Phases[0]).To, 6);
        Assert.Equal(3, Assert.IsType<SpikePhase>(scaled.Traffic[0].Phases[1]).Multiplier);
        Assert.Equal(9_000, Assert.IsType<StepPhase>(scaled.Traffic[0].Phases[2]).Rate, 6);
        Assert.Equal(TimeSpan.FromSeconds(13), scaled.TotalDuration);
        Assert.Empty(scaled.Faults);
    }
}
