using LoadLab.Core.Scenarios;
using LoadLab.Core.Traffic;

namespace LoadLab.Core.Tests.Traffic;

public class AgentChainTests
{
    private static readonly TimeSpan Run = TimeSpan.FromSeconds(60);

    [Fact]
    public void Next_AgentChain_EmitsFourStepsInOrderWithOneKey()
    {
        var source = new MessageSource(TrafficStreams.Create(new PayloadSpec { Kind = PayloadKind.AgentChain, Size = 2048 }), 1, 0, Run);

        for (var chain = 0; chain < 50; chain++)
        {
            var keys = new List<string>();
            foreach (var step in InferenceEventTypes.ChainSteps)
            {
                var message = source.Next(TimeSpan.FromMilliseconds(chain));
                Assert.Equal(step, source.LastEventType);
                keys.Add(Convert.ToHexString(message.Key!));
            }

            Assert.Single(keys.Distinct());
        }
    }

    [Fact]
    public void Reconstruct_ConsumedMixedTraffic_RebuildsEveryChainCompleteAndInOrder()
    {
        var payload = new PayloadSpec { Kind = PayloadKind.Mixed, ChainShare = 0.3, Size = 2048 };
        var source = new MessageSource(TrafficStreams.Create(payload), 4, 0, Run);
        var consumed = new List<ReadOnlyMemory<byte>>();
        var predictions = 0;
        for (var i = 0; i < 4_000; i++)
        {
            consumed.Add(source.Next(TimeSpan.FromMilliseconds(i)).Value.ToArray());
            predictions += source.LastEventType == InferenceEventType.Prediction ? 1 : 0;
        }

        var chains = AgentChains.Reconstruct(consumed);

        // The stream may stop in the middle of its last chain.
        Assert.All(chains.Take(chains.Count - 1), chain =>
        {
            Assert.True(chain.IsComplete);
            Assert.True(chain.IsConsumedInCausalOrder);
        });
        Assert.Equal(4_000, predictions + chains.Sum(chain => chain.Consumed.Count));
        var actions = predictions + chains.Count;
        var share = (double)chains.Count / actions;
        var tolerance = 4 * Math.Sqrt(0.3 * 0.7 / actions);
        Assert.InRange(share, 0.3 - tolerance, 0.3 + tolerance);
        Assert.Equal(chains.Count, chains.Select(chain => chain.CorrelationId).Distinct().Count());
    }

    [Fact]
    public void Reconstruct_StepsConsumedOutOfOrder_ReportsTheDisorder()
    {
        var source = new MessageSource(TrafficStreams.Create(new PayloadSpec { Kind = PayloadKind.AgentChain, Size = 2048 }), 1, 0, Run);
        var steps = Enumerable.Range(0, 4).Select(_ => (ReadOnlyMemory<byte>)source.Next(TimeSpan.Zero).Value.ToArray()).ToArray();

        var chain = Assert.Single(AgentChains.Reconstruct([steps[0], steps[2], steps[1], steps[3]]));

        Assert.True(chain.IsComplete);
        Assert.False(chain.IsConsumedInCausalOrder);
        Assert.Equal(InferenceEventTypes.ChainSteps, chain.CausalOrder.Select(e => e.Type));
    }

    [Fact]
    public void Reconstruct_MissingStep_IsIncomplete()
    {
        var source = new MessageSource(TrafficStreams.Create(new PayloadSpec { Kind = PayloadKind.AgentChain, Size = 2048 }), 1, 0, Run);
        var steps = Enumerable.Range(0, 4).Select(_ => (ReadOnlyMemory<byte>)source.Next(TimeSpan.Zero).Value.ToArray()).ToArray();

        var chain = Assert.Single(AgentChains.Reconstruct([steps[0], steps[1], steps[3]]));

        Assert.False(chain.IsComplete);
        Assert.Equal(2, chain.CausalOrder.Count);
    }

    [Fact]
    public void Reconstruct_OpaqueValues_AreSkipped()
    {
        var source = new MessageSource(TrafficStreams.Create(new PayloadSpec { Kind = PayloadKind.Fixed, Size = 64 }), 1, 0, Run);

        Assert.Empty(AgentChains.Reconstruct([source.Next(TimeSpan.Zero).Value.ToArray(), "not json"u8.ToArray()]));
    }
}
