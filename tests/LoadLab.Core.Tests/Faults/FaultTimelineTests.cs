using System.Collections.Concurrent;
using LoadLab.Core.Environments;
using LoadLab.Core.Faults;
using LoadLab.Core.Scenarios;
using Microsoft.Extensions.Time.Testing;

namespace LoadLab.Core.Tests.Faults;

public sealed class FaultTimelineTests
{
    private static readonly int[] ThreeBrokers = [1, 2, 3];

    [Fact]
    public async Task RunAsync_KillWithDuration_KillsAtOffsetAndRestartsSameBrokerAfterDuration()
    {
        var harness = new Harness([Fault(FaultAction.BrokerKill, new LeaderOfTarget("t", 0), at: 5, duration: 10)]);
        harness.Operations.Leaders[("t", 0)] = 2;

        var run = harness.Start();
        await harness.AdvanceTo(4.9);
        Assert.Empty(harness.Operations.Commands);

        await harness.AdvanceTo(5, expectedMarkers: 1);
        // After the kill the mock "fails over": the revert must still restart broker 2, not the new leader.
        harness.Operations.Leaders[("t", 0)] = 3;
        await harness.AdvanceTo(15, expectedMarkers: 2);
        var occurrences = await run;

        Assert.Equal([new FaultCommand(FaultOperation.BrokerKill, 2), new FaultCommand(FaultOperation.BrokerRestart, 2)], harness.Operations.Commands);
        var inject = harness.Sink.Markers[0];
        Assert.Equal((FaultStep.Inject, "broker.kill", "broker 2 (leader of t/0)", FaultStepOutcome.Succeeded, "fault.injected"),
            (inject.Step, inject.Action, inject.Target, inject.Outcome, inject.EventType));
        Assert.Equal(5, inject.AtSeconds, 3);
        Assert.Equal(0.25, inject.TookSeconds, 3);
        var revert = harness.Sink.Markers[1];
        Assert.Equal((FaultStep.Revert, "broker 2 (leader of t/0)", "fault.reverted"), (revert.Step, revert.Target, revert.EventType));
        Assert.Equal(15, revert.AtSeconds, 3);
        var occurrence = Assert.Single(occurrences);
        Assert.Equal((5.0, 15.0, true), (occurrence.InjectedAtSeconds, occurrence.RevertedAtSeconds!.Value, occurrence.Succeeded));
    }

    [Fact]
    public async Task RunAsync_OverlappingFaults_RunStepsInTimeOrderWithRevertsBeforeInjectionsAtTheSameTime()
    {
        var harness = new Harness([
            Fault(FaultAction.BrokerPause, new BrokerTarget(3), at: 10, duration: 5),
            Fault(FaultAction.BrokerSlow, new BrokerTarget(1), at: 2, duration: 8, latency: TimeSpan.FromMilliseconds(300)),
            Fault(FaultAction.NetworkPartition, new BrokerTarget(2), at: 12, duration: 1),
        ]);

        var run = harness.Start();
        await harness.AdvanceTo(20, expectedMarkers: 6);
        await run;

        Assert.Equal(
            [
                new FaultCommand(FaultOperation.BrokerSlow, 1, Latency: TimeSpan.FromMilliseconds(300)),
                new FaultCommand(FaultOperation.BrokerRestoreSpeed, 1),
                new FaultCommand(FaultOperation.BrokerPause, 3),
                new FaultCommand(FaultOperation.NetworkDisconnect, 2),
                new FaultCommand(FaultOperation.NetworkReconnect, 2),
                new FaultCommand(FaultOperation.BrokerResume, 3),
            ],
            harness.Operations.Commands);
        Assert.Equal([2.0, 10, 10, 12, 13, 15], harness.Sink.Markers.Select(m => m.ScheduledSeconds));
        Assert.Equal([1, 1, 0, 2, 2, 0], harness.Sink.Markers.Select(m => m.FaultIndex));
    }

    [Fact]
    public async Task RunAsync_FailingOperation_WritesFailedMarkerAndSkipsRevertWithoutThrowing()
    {
        var harness = new Harness([
            Fault(FaultAction.BrokerKill, new BrokerTarget(1), at: 1, duration: 2),
            Fault(FaultAction.BrokerPause, new BrokerTarget(2), at: 2),
        ]);
        harness.Operations.Fail[FaultOperation.BrokerKill] = new InvalidOperationException("mock refused");

        var run = harness.Start();
        await harness.AdvanceTo(5, expectedMarkers: 3);
        var occurrences = await run;

        var failed = harness.Sink.Markers[0];
        Assert.Equal((FaultStepOutcome.Failed, "fault.failed"), (failed.Outcome, failed.EventType));
        Assert.Contains("mock refused", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(FaultStep.Inject, harness.Sink.Markers[1].Step);
        Assert.Equal(1, harness.Sink.Markers[1].FaultIndex);
        var skipped = harness.Sink.Markers[2];
        Assert.Equal((0, FaultStep.Revert, FaultStepOutcome.Skipped), (skipped.FaultIndex, skipped.Step, skipped.Outcome));
        Assert.DoesNotContain(harness.Operations.Commands, c => c.Operation == FaultOperation.BrokerRestart);
        Assert.False(occurrences[0].Succeeded);
        Assert.True(occurrences[1].Succeeded);
    }

    [Fact]
    public async Task RunAsync_UnsuccessfulOutcome_IsFailedMarkerWithEnvironmentDetail()
    {
        var harness = new Harness([Fault(FaultAction.BrokerRestart, new BrokerTarget(3), at: 0)]);
        harness.Operations.Unsuccessful.Add(FaultOperation.BrokerRestart);

        var run = harness.Start();
        await harness.AdvanceTo(1, expectedMarkers: 1);
        await run;

        var marker = Assert.Single(harness.Sink.Markers);
        Assert.Equal((FaultStepOutcome.Failed, "BrokerRestart not observed"), (marker.Outcome, marker.Detail));
    }

    [Fact]
    public async Task RunAsync_UnresolvableTargets_AreFailedMarkersNamingTheReason()
    {
        var harness = new Harness([
            Fault(FaultAction.BrokerKill, new LeaderOfTarget("t", 7), at: 1),
            Fault(FaultAction.BrokerPause, new ControllerTarget(), at: 2),
            Fault(FaultAction.BrokerSlow, new CoordinatorOfTarget("g"), at: 3, latency: TimeSpan.FromSeconds(1)),
        ]);

        var run = harness.Start();
        await harness.AdvanceTo(4, expectedMarkers: 3);
        await run;

        Assert.Empty(harness.Operations.Commands);
        Assert.All(harness.Sink.Markers, m => Assert.Equal(FaultStepOutcome.Failed, m.Outcome));
        Assert.Equal(["t/7 has no leader", "the cluster reports no controller", "group g has no known coordinator"], harness.Sink.Markers.Select(m => m.Detail));
    }

    [Fact]
    public async Task RunAsync_ControllerAndCoordinatorTargets_ResolveThroughTheEnvironment()
    {
        var harness = new Harness([
            Fault(FaultAction.BrokerPause, new ControllerTarget(), at: 1),
            Fault(FaultAction.ErrorsInject, new CoordinatorOfTarget("g"), at: 2, errors: new ErrorInjection("Produce", 0, 6, 50)),
        ]);
        harness.Operations.Controller = 1;
        harness.Operations.Coordinators["g"] = 3;

        var run = harness.Start();
        await harness.AdvanceTo(3, expectedMarkers: 2);
        await run;

        Assert.Equal(["broker 1 (controller)", "broker 3 (coordinator of g)"], harness.Sink.Markers.Select(m => m.Target));
        Assert.Equal(new FaultCommand(FaultOperation.InjectErrors, 3, Errors: new InjectedErrors(0, 6, 50)), harness.Operations.Commands[1]);
    }

    [Fact]
    public async Task RunAsync_ErrorsInjectWithoutTarget_FailsRequestsOnEveryBroker()
    {
        var harness = new Harness([Fault(FaultAction.ErrorsInject, new ClusterTarget(), at: 1, errors: new ErrorInjection("Produce", 0, 6, 50))]);

        var run = harness.Start();
        await harness.AdvanceTo(2, expectedMarkers: 1);
        await run;

        var marker = Assert.Single(harness.Sink.Markers);
        Assert.Equal((FaultStepOutcome.Succeeded, "every broker"), (marker.Outcome, marker.Target));
        Assert.Equal(new FaultCommand(FaultOperation.InjectErrors, null, Errors: new InjectedErrors(0, 6, 50)), Assert.Single(harness.Operations.Commands));
    }

    [Fact]
    public async Task RunAsync_RandomTargets_AreRepeatableForASeedAndSkipBrokersAlreadyDown()
    {
        FaultSpec[] faults = [
            Fault(FaultAction.BrokerKill, new RandomBrokerTarget(), at: 1),
            Fault(FaultAction.BrokerKill, new RandomBrokerTarget(), at: 2),
            Fault(FaultAction.BrokerKill, new RandomBrokerTarget(), at: 3),
        ];

        async Task<int?[]> KilledWithSeed(int seed)
        {
            var harness = new Harness(faults, seed);
            var run = harness.Start();
            await harness.AdvanceTo(4, expectedMarkers: 3);
            await run;
            return [.. harness.Operations.Commands.Select(c => c.BrokerId)];
        }

        var first = await KilledWithSeed(42);
        Assert.Equal(first, await KilledWithSeed(42));
        Assert.Equal(ThreeBrokers, first.Select(b => b!.Value).Order());
    }

    [Fact]
    public async Task RunAsync_LeaderMoveWithoutReplicas_MovesToAnotherLiveBrokerAndMovesBackOnRevert()
    {
        var harness = new Harness([Fault(FaultAction.LeaderMove, new PartitionTarget("t", 1), at: 1, duration: 3)]);
        harness.Operations.Leaders[("t", 1)] = 2;

        var run = harness.Start();
        await harness.AdvanceTo(5, expectedMarkers: 2);
        await run;

        var move = harness.Operations.Commands[0];
        Assert.Equal((FaultOperation.LeaderMove, "t", 1), (move.Operation, move.Topic, move.Partition!.Value));
        var newLeader = Assert.Single(move.Replicas!);
        Assert.NotEqual(2, newLeader);
        Assert.Contains(newLeader, ThreeBrokers);
        Assert.Equal($"t/1 (leader 2 → {newLeader})", harness.Sink.Markers[0].Target);
        var moveBack = harness.Operations.Commands[1];
        Assert.Equal((FaultOperation.LeaderMove, "t", 1), (moveBack.Operation, moveBack.Topic, moveBack.Partition!.Value));
        Assert.Equal([2], moveBack.Replicas!);
    }

    [Fact]
    public async Task RunAsync_ScaleOutAndReassign_UseNextBrokerIdAndGivenReplicas()
    {
        var harness = new Harness([
            Fault(FaultAction.BrokerAdd, new RandomBrokerTarget(), at: 1),
            Fault(FaultAction.PartitionReassign, new PartitionTarget("t", 0), at: 2, replicas: [4, 1]),
            Fault(FaultAction.BrokerDecommission, new BrokerTarget(2), at: 3, duration: 1),
        ]);

        var run = harness.Start();
        await harness.AdvanceTo(5, expectedMarkers: 4);
        await run;

        Assert.Equal(new FaultCommand(FaultOperation.BrokerAdd, 4), harness.Operations.Commands[0]);
        Assert.Equal((FaultOperation.PartitionReassign, "t/0 (replicas → 4,1)"), (harness.Operations.Commands[1].Operation, harness.Sink.Markers[1].Target));
        Assert.Equal([4, 1], harness.Operations.Commands[1].Replicas!);
        Assert.Equal([FaultOperation.BrokerDecommission, FaultOperation.BrokerAdd], harness.Operations.Commands.Skip(2).Select(c => c.Operation));
    }

    [Fact]
    public async Task RunAsync_HungOperation_TimesOutOnTheRunClockAsFailedMarker()
    {
        // 30 s on the fake clock pass in well under the harness's 10 s of real waiting.
        var harness = new Harness([Fault(FaultAction.BrokerPause, new BrokerTarget(1), at: 1)], options: new FaultTimelineOptions { OperationTimeout = TimeSpan.FromSeconds(30) });
        harness.Operations.Hang.Add(FaultOperation.BrokerPause);

        var run = harness.Start();
        await harness.AdvanceTo(1);
        await harness.AdvanceTo(32, expectedMarkers: 1);
        await run;

        var marker = Assert.Single(harness.Sink.Markers);
        Assert.Equal((FaultStepOutcome.Failed, "BrokerPause did not complete within 30 s"), (marker.Outcome, marker.Detail));
    }

    [Fact]
    public async Task RunAsync_InjectionStillAwaitingConfirmation_IsRevertedOnTime()
    {
        // The embedded pause returns only after the fail-over it causes (the detection delay); a 1 s pause must
        // still be resumed 1 s after it started, not when the injection returns.
        var harness = new Harness([Fault(FaultAction.BrokerPause, new BrokerTarget(1), at: 1, duration: 1)], options: new FaultTimelineOptions { OperationTimeout = TimeSpan.FromSeconds(30) });
        harness.Operations.Hang.Add(FaultOperation.BrokerPause);

        var run = harness.Start();
        await harness.AdvanceTo(2, expectedMarkers: 1);

        var revert = Assert.Single(harness.Sink.Markers);
        Assert.Equal((FaultStep.Revert, FaultStepOutcome.Succeeded), (revert.Step, revert.Outcome));
        Assert.Equal(2, revert.AtSeconds, 3);
        Assert.Equal([FaultOperation.BrokerResume], harness.Operations.Commands.Select(c => c.Operation));
        await harness.AdvanceTo(32, expectedMarkers: 2);
        await run;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_FaultTakesEffectLate_IsDatedByItsEffectAndRevertedItsDurationAfterIt(bool environmentActsLate)
    {
        // Late by 0.4 s: either the leader lookup is slow (a metadata request on a loaded machine) or the environment
        // changes the cluster only some time into the operation and reports when.
        var harness = new Harness([Fault(FaultAction.BrokerPause, new LeaderOfTarget("t", 0), at: 1, duration: 1)]);
        harness.Operations.Leaders[("t", 0)] = 2;
        var late = environmentActsLate ? harness.Operations.HoldEffect(FaultOperation.BrokerPause) : harness.Operations.HoldResolution();

        var run = harness.Start();
        await harness.AdvanceTo(1);
        await late.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await harness.AdvanceTo(1.4);
        late.Release.SetResult();
        await harness.AdvanceTo(1.4, expectedMarkers: 1);
        await harness.AdvanceTo(2.3);
        Assert.Equal([FaultOperation.BrokerPause], harness.Operations.Commands.Select(c => c.Operation));
        await harness.AdvanceTo(2.4, expectedMarkers: 2);
        var occurrence = Assert.Single(await run);

        Assert.Equal([(1.4, 1.0), (2.4, 2.4)], harness.Sink.Markers.Select(m => (Math.Round(m.AtSeconds, 3), Math.Round(m.ScheduledSeconds, 3))));
        Assert.Equal((1.4, 2.4), (Math.Round(occurrence.InjectedAtSeconds, 3), Math.Round(occurrence.RevertedAtSeconds!.Value, 3)));
    }

    [Fact]
    public async Task RunAsync_TimersFireEarly_PauseStillLastsItsWholeDurationByItsEvents()
    {
        // The system clock's Task.Delay returns up to ~2 ms early; a revert that early made ChaosRunTests' 1 s pause last
        // 999.x ms by its events. The fake's timers here fire 1.5 ms early: the steps must still wait for their time.
        var harness = new Harness([Fault(FaultAction.BrokerPause, new BrokerTarget(1), at: 1, duration: 1)], earlyTimers: TimeSpan.FromMilliseconds(1.5));

        var fine = TimeSpan.FromMilliseconds(0.5);

        var run = harness.Start();
        await harness.AdvanceTo(0.99);
        await harness.AdvanceTo(1.01, expectedMarkers: 1, step: fine);
        await harness.AdvanceTo(1.99);
        await harness.AdvanceTo(2.01, expectedMarkers: 2, step: fine);
        var occurrence = Assert.Single(await run);

        var events = $"paused {occurrence.InjectedAtSeconds:0.0000}-{occurrence.RevertedAtSeconds:0.0000} s";
        Assert.True(occurrence.InjectedAtSeconds >= 1, events);
        Assert.True(occurrence.RevertedAtSeconds - occurrence.InjectedAtSeconds >= 1, events);
    }

    [Fact]
    public async Task RunAsync_RunStopsBeforeRevert_RevertsOutstandingFaultsEarly()
    {
        var harness = new Harness([
            Fault(FaultAction.BrokerPause, new BrokerTarget(1), at: 1, duration: 100),
            Fault(FaultAction.BrokerKill, new BrokerTarget(2), at: 50, duration: 10),
        ]);
        using var stop = new CancellationTokenSource();

        var run = harness.Start(stop.Token);
        await harness.AdvanceTo(2, expectedMarkers: 1);
        await stop.CancelAsync();
        var occurrences = await run;

        Assert.Equal([FaultOperation.BrokerPause, FaultOperation.BrokerResume], harness.Operations.Commands.Select(c => c.Operation));
        Assert.StartsWith("reverted early", harness.Sink.Markers[1].Detail, StringComparison.Ordinal);
        Assert.Single(occurrences);
    }

    [Fact]
    public async Task RunAsync_RunStopsDuringAnOperation_MarksItInterruptedAndStillRevertsWhatWasInjected()
    {
        var harness = new Harness([
            Fault(FaultAction.BrokerKill, new BrokerTarget(1), at: 1, duration: 30),
            Fault(FaultAction.BrokerPause, new BrokerTarget(2), at: 2, duration: 30),
        ]);
        harness.Operations.Hang.Add(FaultOperation.BrokerPause);
        using var stop = new CancellationTokenSource();

        var run = harness.Start(stop.Token);
        await harness.AdvanceTo(1, expectedMarkers: 1);
        await harness.AdvanceTo(2.5);
        await stop.CancelAsync();
        await run;

        Assert.Equal(
            [(0, FaultStep.Inject, FaultStepOutcome.Succeeded), (1, FaultStep.Inject, FaultStepOutcome.Failed), (0, FaultStep.Revert, FaultStepOutcome.Succeeded), (1, FaultStep.Revert, FaultStepOutcome.Skipped)],
            harness.Sink.Markers.Select(m => (m.FaultIndex, m.Step, m.Outcome)));
        Assert.Equal("BrokerPause interrupted: the run is stopping", harness.Sink.Markers[1].Detail);
        Assert.Equal([FaultOperation.BrokerKill, FaultOperation.BrokerRestart], harness.Operations.Commands.Select(c => c.Operation));
    }

    [Fact]
    public void Validate_FaultAfterTheRunEnds_IsAProblem()
    {
        var scenario = ScenarioWith(Fault(FaultAction.BrokerKill, new BrokerTarget(1), at: 60) with { Line = 9 });

        var problem = Assert.Single(FaultTimeline.Validate(scenario, Enum.GetValues<FaultOperation>().ToHashSet()));

        Assert.Equal("faults[0] (line 9): broker.kill at 60 s would never run: the run lasts 60 s (warm-up included); move 'at' inside the run.", problem);
    }

    [Fact]
    public void Validate_EnvironmentLacksOperations_ListsEachFaultWithLineAndFix()
    {
        var scenario = ScenarioWith(
            Fault(FaultAction.BrokerKill, new BrokerTarget(1), at: 1, duration: 5) with { Line = 12 },
            Fault(FaultAction.NetworkPartition, new BrokerTarget(1), at: 1) with { Line = 17 },
            Fault(FaultAction.BrokerPause, new BrokerTarget(1), at: 1) with { Line = 20 });
        var supported = new HashSet<FaultOperation> { FaultOperation.BrokerKill, FaultOperation.BrokerPause };

        var problems = FaultTimeline.Validate(scenario, supported);

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("faults[0] (line 12): broker.kill with a duration needs the BrokerRestart operation", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("faults[1] (line 17): network.partition needs the NetworkDisconnect operation", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MisusedTargetsDurationsAndMissingArguments_AreProblems()
    {
        var scenario = ScenarioWith(
            Fault(FaultAction.BrokerKill, new PartitionTarget("t", 0), at: 1),
            Fault(FaultAction.LeaderMove, new BrokerTarget(1), at: 1),
            Fault(FaultAction.PartitionReassign, new PartitionTarget("t", 0), at: 1, duration: 3),
            Fault(FaultAction.BrokerSlow, new BrokerTarget(1), at: 1),
            Fault(FaultAction.ErrorsInject, new BrokerTarget(1), at: 1));

        var problems = FaultTimeline.Validate(scenario, Enum.GetValues<FaultOperation>().ToHashSet());

        Assert.Equal(6, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("faults[0] (line 0): broker.kill acts on a broker", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("faults[1] (line 0): leader.move acts on a partition", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("faults[2] (line 0): partition.reassign cannot be reverted", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("faults[2] (line 0): partition.reassign needs the new replica list", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("faults[3] (line 0): broker.slow needs the added latency", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("faults[4] (line 0): errors.inject needs the errors", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EverythingSupported_NoProblems()
    {
        var scenario = ScenarioWith(
            Fault(FaultAction.BrokerKill, new LeaderOfTarget("t", 0), at: 1, duration: 5),
            Fault(FaultAction.LeaderMove, new PartitionTarget("t", 0), at: 1, duration: 5));

        Assert.Empty(FaultTimeline.Validate(scenario, Enum.GetValues<FaultOperation>().ToHashSet()));
    }

    [Fact]
    public void Operations_FaultsWithAndWithoutDuration_InjectionsAndOnlyTheNeededReverts()
    {
        var scenario = ScenarioWith(
            Fault(FaultAction.BrokerSlow, new BrokerTarget(1), at: 1, duration: 5, latency: TimeSpan.FromMilliseconds(50)),
            Fault(FaultAction.BrokerKill, new BrokerTarget(2), at: 1),
            Fault(FaultAction.NetworkPartition, new BrokerTarget(3), at: 1, duration: 2));

        var operations = FaultTimeline.Operations(scenario);

        Assert.Equal(
            [FaultOperation.BrokerKill, FaultOperation.BrokerSlow, FaultOperation.BrokerRestoreSpeed, FaultOperation.NetworkDisconnect, FaultOperation.NetworkReconnect],
            operations.Order());
    }

    private static FaultSpec Fault(
        FaultAction action,
        FaultTarget target,
        double at,
        double? duration = null,
        TimeSpan? latency = null,
        int[]? replicas = null,
        ErrorInjection? errors = null) => new()
        {
            Action = action,
            Target = target,
            At = TimeSpan.FromSeconds(at),
            Duration = duration is { } d ? TimeSpan.FromSeconds(d) : null,
            Latency = latency,
            Replicas = replicas ?? [],
            Errors = errors,
        };

    private static Scenario ScenarioWith(params FaultSpec[] faults) => new()
    {
        Name = "faults",
        Duration = TimeSpan.FromMinutes(1),
        Topics = [new TopicSpec("t", 3, 3)],
        Traffic = [new TrafficStream { Name = "s", Topic = "t", Rate = 100 }],
        Faults = faults,
    };

    private sealed class Harness(IReadOnlyList<FaultSpec> faults, int seed = 7, FaultTimelineOptions? options = null, TimeSpan? earlyTimers = null)
    {
        public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        public FakeFaultOperations Operations { get; } = new();
        public RecordingSink Sink { get; } = new();
        private long _start;

        public Task<IReadOnlyList<FaultOccurrence>> Start(CancellationToken cancellationToken = default)
        {
            _start = Time.GetTimestamp();
            TimeProvider clock = earlyTimers is { } early ? new EarlyTimers(Time, early) : Time;
            var timeline = new FaultTimeline(faults, Operations, ThreeBrokers, clock, _start, seed, Sink, options);
            return Task.Run(() => timeline.RunAsync(cancellationToken), CancellationToken.None);
        }

        // Advances the fake clock in small steps (100 ms unless told), letting the timeline's continuations run, until
        // the target time is reached and at least the expected number of markers has been written.
        public async Task AdvanceTo(double seconds, int expectedMarkers = 0, TimeSpan? step = null)
        {
            var target = TimeSpan.FromSeconds(seconds);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            var stride = step ?? TimeSpan.FromMilliseconds(100);
            while (Time.GetElapsedTime(_start) < target)
            {
                await Task.Delay(2);
                var remaining = target - Time.GetElapsedTime(_start);
                Time.Advance(remaining < stride ? remaining : stride);
            }

            while (Sink.Markers.Count < expectedMarkers)
            {
                Assert.True(DateTime.UtcNow < deadline, $"expected {expectedMarkers} markers, got {Sink.Markers.Count}");
                await Task.Delay(2);
            }
        }
    }

    /// <summary>The fake clock with timers that fire <paramref name="early"/> before they are due, as the system clock's do.</summary>
    private sealed class EarlyTimers(FakeTimeProvider time, TimeSpan early) : TimeProvider
    {
        public override long TimestampFrequency => time.TimestampFrequency;
        public override long GetTimestamp() => time.GetTimestamp();
        public override DateTimeOffset GetUtcNow() => time.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            time.CreateTimer(callback, state, dueTime > early ? dueTime - early : dueTime, period);
    }

    private sealed class RecordingSink : IRunEventSink
    {
        private readonly ConcurrentQueue<FaultMarker> _markers = new();
        public IReadOnlyList<FaultMarker> Markers => [.. _markers];
        public void Marker(FaultMarker marker) => _markers.Enqueue(marker);
    }

    private sealed class Hold
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task WaitAsync(CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            return Release.Task.WaitAsync(cancellationToken);
        }
    }

    private sealed class FakeFaultOperations : IFaultOperations
    {
        private readonly ConcurrentQueue<FaultCommand> _commands = new();
        public Dictionary<(string, int), int> Leaders { get; } = [];
        public Dictionary<string, int> Coordinators { get; } = [];
        public Dictionary<string, int> TransactionCoordinators { get; } = [];
        public int? Controller { get; set; }
        public Dictionary<FaultOperation, Exception> Fail { get; } = [];
        public HashSet<FaultOperation> Unsuccessful { get; } = [];
        public HashSet<FaultOperation> Hang { get; } = [];
        public IReadOnlyList<FaultCommand> Commands => [.. _commands];
        public FaultCapabilities Capabilities { get; } = new() { Faults = [.. Enum.GetValues<FaultOperation>().Select(o => new FaultCapability(o, "test double", "recorded"))] };

        private Hold? _resolution;
        private readonly Dictionary<FaultOperation, Hold> _effects = [];

        /// <summary>The next leader lookup waits until released, as a metadata request on a loaded machine does.</summary>
        public Hold HoldResolution() => _resolution = new Hold();

        /// <summary>The operation changes the cluster only when released, as an environment that acts late does.</summary>
        public Hold HoldEffect(FaultOperation operation) => _effects[operation] = new Hold();

        public async ValueTask<int?> GetLeaderAsync(string topic, int partition, CancellationToken cancellationToken)
        {
            if (_resolution is { } hold)
            {
                await hold.WaitAsync(cancellationToken);
            }

            return Leaders.TryGetValue((topic, partition), out var leader) ? leader : null;
        }

        public ValueTask<int?> GetControllerAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Controller);

        public ValueTask<int?> GetCoordinatorAsync(string group, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Coordinators.TryGetValue(group, out var broker) ? broker : (int?)null);

        public ValueTask<int?> GetTransactionCoordinatorAsync(string transactionalId, CancellationToken cancellationToken) =>
            ValueTask.FromResult(TransactionCoordinators.TryGetValue(transactionalId, out var broker) ? broker : (int?)null);

        public async ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, Action effectApplied, CancellationToken cancellationToken)
        {
            if (_effects.TryGetValue(command.Operation, out var hold))
            {
                await hold.WaitAsync(cancellationToken);
            }

            effectApplied();
            return await ExecuteAsync(command, cancellationToken);
        }

        public async ValueTask<FaultOutcome> ExecuteAsync(FaultCommand command, CancellationToken cancellationToken)
        {
            if (Hang.Contains(command.Operation))
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            _commands.Enqueue(command);
            if (Fail.TryGetValue(command.Operation, out var exception))
            {
                throw exception;
            }

            return Unsuccessful.Contains(command.Operation)
                ? new FaultOutcome(false, $"{command.Operation} not observed", TimeSpan.FromSeconds(1))
                : new FaultOutcome(true, $"{command.Operation} done", TimeSpan.FromMilliseconds(250));
        }
    }
}
