using Confluent.Kafka;
using LoadLab.Engine.Messages;

namespace LoadLab.Integration.Tests.Messages;

public sealed class RunHeadersTests
{
    private const long Nonce = 0x0123_4567_89AB_CDEF;

    [Fact]
    public void Decode_StampedHeader_ReturnsWhatWasStamped()
    {
        var stamp = new RunHeaderStamp(Nonce, producerId: 7);
        stamp.Stamp(sequence: 1_234_567_890_123, intendedMicros: 59_999_999);

        var decoded = RunHeaders.Decode(AsHeaders(stamp), Nonce);

        Assert.Equal(new RunHeaders.Decoded(true, 7, 1_234_567_890_123, 59_999_999), decoded);
        Assert.Equal(RunHeaders.Length, stamp.Value.Length);
    }

    [Fact]
    public void Stamp_SecondMessage_PatchesTheSameArray()
    {
        var stamp = new RunHeaderStamp(Nonce, producerId: 1);
        stamp.Stamp(1, 10);
        var first = stamp.Value;
        stamp.Stamp(2, 20);

        Assert.Same(first, stamp.Value);
        var decoded = RunHeaders.Decode(AsHeaders(stamp), Nonce);
        Assert.Equal((2L, 20L), (decoded.Sequence, decoded.IntendedMicros));
    }

    [Fact]
    public void Decode_OtherRunsNonce_IsNotFromRun()
    {
        var stamp = new RunHeaderStamp(Nonce, producerId: 1);
        stamp.Stamp(1, 10);

        Assert.False(RunHeaders.Decode(AsHeaders(stamp), Nonce + 1).IsFromRun);
    }

    [Theory]
    [InlineData(2, RunHeaders.Length)]
    [InlineData(RunHeaders.Version, RunHeaders.Length - 1)]
    public void Decode_UnknownVersionOrLength_IsNotFromRun(byte version, int length)
    {
        var valid = new byte[RunHeaders.Length];
        RunHeaders.Write(valid, Nonce, 1, 1, 10);
        var value = valid[..length];
        value[0] = version;

        Assert.False(RunHeaders.Decode(new Headers { { RunHeaders.Key, value } }, Nonce).IsFromRun);
    }

    [Fact]
    public void Decode_ForeignHeadersOnly_IsNotFromRun()
    {
        Assert.False(RunHeaders.Decode(new Headers { { "origin", "kcat"u8.ToArray() } }, Nonce).IsFromRun);
        Assert.False(RunHeaders.Decode(null, Nonce).IsFromRun);
    }

    private static Headers AsHeaders(RunHeaderStamp stamp) => new() { { RunHeaders.Key, stamp.Value } };
}
