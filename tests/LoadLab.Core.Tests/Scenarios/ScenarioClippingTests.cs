using LoadLab.Core.Environments;
using LoadLab.Core.Faults;
using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Tests.Scenarios;

public sealed class ScenarioClippingTests
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(5);

    [Fact]
    public void Clip_EverythingThatStartsAtOrAfterTheNewEnd_IsDroppedAndListedByPath()
    {
        var stream = Stream() with
        {
            Phases = [new StepPhase(S(10), 200), new SpikePhase(S(25), S(5), 3), new RampPhase(S(40), S(10), 500)],
            Keys = new KeySpec { HotKeys = [new HotKeyWindow(S(8), S(4), 0.5, 1, null), new HotKeyWindow(S(30), S(10), 0.5, 1, null)] },
            Payload = new PayloadSpec { Size = 512, Growth = new PayloadGrowth { Steps = [new SizeStep(S(10), 1024), new SizeStep(S(26), 2048)] } },
        };
        var scenario = Scenario(stream) with
        {
            Faults = [Fault(FaultAction.LeaderMove, at: 12), Fault(FaultAction.BrokerKill, at: 28)],
        };

        var clipped = ScenarioClipping.Clip(scenario, S(20));

        Assert.Equal(S(20), clipped.Scenario.Duration);
        Assert.Equal(Warmup, clipped.Scenario.Warmup);
        Assert.Equal([new StepPhase(S(10), 200)], clipped.Scenario.Traffic[0].Phases);
        Assert.Equal([new HotKeyWindow(S(8), S(4), 0.5, 1, null)], clipped.Scenario.Traffic[0].Keys.HotKeys);
        Assert.Equal([new SizeStep(S(10), 1024)], clipped.Scenario.Traffic[0].Payload.Growth!.Steps);
        Assert.Equal([FaultAction.LeaderMove], clipped.Scenario.Faults.Select(f => f.Action));
        Assert.Equal(
        [
            "traffic[0].phases[1]: the spike x3 at 25s dropped: it starts at or after the run's end at 25s",
            "traffic[0].phases[2]: the ramp to 500/s at 40s dropped: it starts at or after the run's end at 25s",
            "traffic[0].keys.hot-keys[1]: the hot-key window at 30s dropped: it starts at or after the run's end at 25s",
            "traffic[0].payload.growth.steps[1]: the size step to 2048 B at 26s dropped: it is at or after the run's end at 25s",
            "faults[1]: broker.kill at 28s dropped: it starts at or after the run's end at 25s",
        ], clipped.Changes.Select(c => c.ToString()));
    }

    [Fact]
    public void Clip_PhaseAndWindowStraddlingTheNewEnd_AreKeptAndListedAsCut()
    {
        var stream = Stream() with
        {
            Phases = [new SpikePhase(S(20), S(10), 2)],
            Keys = new KeySpec { HotKeys = [new HotKeyWindow(S(22), S(8), 0.5, null, 3)] },
        };

        var clipped = ScenarioClipping.Clip(Scenario(stream), S(20));

        Assert.Equal(stream.Phases, clipped.Scenario.Traffic[0].Phases);
        Assert.Equal(stream.Keys.HotKeys, clipped.Scenario.Traffic[0].Keys.HotKeys);
        Assert.Equal(
        [
            "traffic[0].phases[0]: the spike x2 at 20s cut: it stops with the load at 25s instead of 30s",
            "traffic[0].keys.hot-keys[0]: the hot-key window at 22s cut: it stops with the load at 25s instead of 30s",
        ], clipped.Changes.Select(c => c.ToString()));
    }

    [Fact]
    public void Clip_FaultWhoseRevertFallsAfterTheNewEnd_IsRevertedAtTheEnd()
    {
        var scenario = Scenario(Stream()) with { Faults = [Fault(FaultAction.BrokerKill, at: 15, duration: 20)] };

        var clipped = ScenarioClipping.Clip(scenario, S(20));

        var fault = Assert.Single(clipped.Scenario.Faults);
        Assert.Equal((S(15), S(10)), (fault.At, fault.Duration!.Value));
        Assert.Equal("faults[0]: broker.kill at 15s cut: reverted at 25s instead of 35s", Assert.Single(clipped.Changes).ToString());
    }

    [Fact]
    public void Clip_EveryFaultDropped_DropsTheSlosThatJudgeFaultsAndKeepsTheOthers()
    {
        var scenario = Scenario(Stream()) with
        {
            Faults = [Fault(FaultAction.BrokerKill, at: 30, duration: 10)],
            Slos =
            [
                new SloSpec("fast when healthy", "produce.p99", SloPhase.Steady, SloComparison.LessOrEqual, 250),
                new SloSpec("recovers", "recovery", SloPhase.Overall, SloComparison.LessOrEqual, 30),
                new SloSpec("fast during the fault", "produce.p99", SloPhase.During, SloComparison.LessOrEqual, 2_000),
                new SloSpec("nothing lost", "lost", SloPhase.Overall, SloComparison.LessOrEqual, 0),
            ],
        };

        var clipped = ScenarioClipping.Clip(scenario, S(20));

        Assert.Equal(["fast when healthy", "nothing lost"], clipped.Scenario.Slos.Select(s => s.Name));
        Assert.Contains("slos[1]: 'recovers' dropped: it judges the faults, and none is left", clipped.Changes.Select(c => c.ToString()));
        Assert.Contains("slos[2]: 'fast during the fault' dropped: it judges the faults, and none is left", clipped.Changes.Select(c => c.ToString()));
    }

    [Fact]
    public void Clip_DurationAtLeastTheScenarios_ChangesOnlyTheDuration()
    {
        var scenario = Scenario(Stream() with { Phases = [new SpikePhase(S(20), S(10), 2)] }) with { Faults = [Fault(FaultAction.BrokerKill, at: 15, duration: 20)] };

        var clipped = ScenarioClipping.Clip(scenario, S(120));

        Assert.Empty(clipped.Changes);
        Assert.Equal(S(120), clipped.Scenario.Duration);
        Assert.Equal(scenario.Faults, clipped.Scenario.Faults);
        Assert.Equal(scenario.Traffic[0].Phases, clipped.Scenario.Traffic[0].Phases);
    }

    [Fact]
    public void Clip_LinearGrowth_IsSpreadOverTheShorterRunAndSaysSo()
    {
        var scenario = Scenario(Stream() with { Payload = new PayloadSpec { Size = 512, Growth = new PayloadGrowth { LinearTo = 4096 } } });

        var clipped = ScenarioClipping.Clip(scenario, S(20));

        Assert.Equal(4096, clipped.Scenario.Traffic[0].Payload.Growth!.LinearTo);
        Assert.Equal("traffic[0].payload.growth.linear-to: grows to 4096 B by 25s instead of 1m5s: the growth is spread over the shorter run", Assert.Single(clipped.Changes).ToString());
    }

    [Fact]
    public void Clip_ShippedRunbookToATwentySecondSmokeRun_LoadsValidatesAndSchedulesOnlyTheShortRun()
    {
        var loaded = ScenarioLoader.Load(RepositoryFiles.PathOf("scenarios/broker-kill-runbook.yaml"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));

        var clipped = ScenarioClipping.Clip(loaded.Scenario!, S(10)).Scenario;

        // Warm-up 5 s + 10 s: the spike from 15 s, the fault at 20 s and the recovery SLO go.
        Assert.Empty(clipped.Faults);
        Assert.DoesNotContain(clipped.Slos, s => s.Metric == "recovery");
        Assert.Empty(FaultTimeline.Validate(clipped, Enum.GetValues<FaultOperation>().ToHashSet()));
        var schedule = RateSchedule.Create(clipped.Traffic[0], clipped.TotalDuration);
        Assert.Equal(15 * 1_000, schedule.TotalMessages, 1.0);
    }

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static TrafficStream Stream() => new() { Name = "load", Topic = "events", Rate = 100 };

    private static Scenario Scenario(TrafficStream stream) => new()
    {
        Name = "long",
        Warmup = Warmup,
        Duration = S(60),
        Topics = [new TopicSpec("events", 3, 1)],
        Traffic = [stream],
    };

    private static FaultSpec Fault(FaultAction action, double at, double? duration = null) => new()
    {
        At = S(at),
        Action = action,
        Target = action == FaultAction.LeaderMove ? new PartitionTarget("events", 0) : new BrokerTarget(1),
        Duration = duration is { } d ? S(d) : null,
    };
}
