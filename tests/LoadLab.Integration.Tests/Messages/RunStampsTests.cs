using Confluent.Kafka;
using LoadLab.Engine.Messages;

namespace LoadLab.Integration.Tests.Messages;

public sealed class RunStampsTests
{
    private const long Nonce = 0x0123_4567_89AB_CDEF;

    [Fact]
    public void Decode_StampedHeader_ReturnsWhatWasStamped()
    {
        var stamp = new RunStamp(Nonce, producerId: 7);
        stamp.Stamp(sequence: 1_234_567_890_123, intendedMicros: 59_999_999);

        var decoded = RunStamps.Decode(AsHeaders(stamp), "{\"schema\":\"loadlab.inference.v1\"}"u8.ToArray(), Nonce);

        Assert.Equal(new RunStamps.Decoded(true, 7, 1_234_567_890_123, 59_999_999), decoded);
        Assert.Equal(RunStamps.Length, stamp.Value.Length);
    }

    [Fact]
    public void Decode_StampedOpaqueValue_ReturnsWhatWasStampedAndTheRestOfTheValueIsUntouched()
    {
        var value = Enumerable.Range(0, 100).Select(i => (byte)(i * 7)).ToArray();
        var original = (byte[])value.Clone();
        var stamp = new RunStamp(Nonce, producerId: 3);

        stamp.StampValue(value, sequence: 42, intendedMicros: 1_500_000);

        Assert.Equal(new RunStamps.Decoded(true, 3, 42, 1_500_000), RunStamps.Decode(null, value, Nonce));
        Assert.Equal(new RunStamps.Decoded(true, 3, 42, 1_500_000), RunStamps.Decode([], value, Nonce));
        Assert.Equal(original[RunStamps.Length..], value[RunStamps.Length..]);
        Assert.Equal(
            [1, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0x16, 0xE3, 0x60],
            value[..RunStamps.Length]);
    }

    [Fact]
    public void Decode_HeaderAndStampedValue_TheHeaderWins()
    {
        // A pipeline's output copies its input's value (stamped by the input's producer) and carries its own stamp as header.
        var value = new byte[64];
        new RunStamp(Nonce, producerId: 1).StampValue(value, sequence: 10, intendedMicros: 100);
        var output = new RunStamp(Nonce, producerId: 9);
        output.Stamp(sequence: 0, intendedMicros: 100);

        Assert.Equal(new RunStamps.Decoded(true, 9, 0, 100), RunStamps.Decode(AsHeaders(output), value, Nonce));
    }

    [Fact]
    public void Decode_MalformedHeaderBeforeAStampedValue_IsNotFromRun()
    {
        var value = new byte[64];
        new RunStamp(Nonce, producerId: 1).StampValue(value, sequence: 10, intendedMicros: 100);

        Assert.False(RunStamps.Decode(new Headers { { RunStamps.Key, new byte[RunStamps.Length + 1] } }, value, Nonce).IsFromRun);
    }

    [Fact]
    public void Stamp_SecondMessage_PatchesTheSameArray()
    {
        var stamp = new RunStamp(Nonce, producerId: 1);
        stamp.Stamp(1, 10);
        var first = stamp.Value;
        stamp.Stamp(2, 20);

        Assert.Same(first, stamp.Value);
        var decoded = RunStamps.Decode(AsHeaders(stamp), null, Nonce);
        Assert.Equal((2L, 20L), (decoded.Sequence, decoded.IntendedMicros));
    }

    [Fact]
    public void Decode_OtherRunsNonce_IsNotFromRun()
    {
        var stamp = new RunStamp(Nonce, producerId: 1);
        stamp.Stamp(1, 10);
        var value = new byte[RunStamps.Length];
        stamp.StampValue(value, 1, 10);

        Assert.False(RunStamps.Decode(AsHeaders(stamp), null, Nonce + 1).IsFromRun);
        Assert.False(RunStamps.Decode(null, value, Nonce + 1).IsFromRun);
        Assert.True(RunStamps.Decode(null, value, Nonce).IsFromRun);
    }

    [Theory]
    [InlineData(2, RunStamps.Length)]
    [InlineData(RunStamps.Version, RunStamps.Length - 1)]
    [InlineData(RunStamps.Version, RunStamps.Length + 1)]
    public void Decode_HeaderOfUnknownVersionOrLength_IsNotFromRun(byte version, int length)
    {
        var stamped = new byte[RunStamps.Length + 1];
        RunStamps.Write(stamped, Nonce, 1, 1, 10);
        var value = stamped[..length];
        value[0] = version;

        Assert.False(RunStamps.Decode(new Headers { { RunStamps.Key, value } }, null, Nonce).IsFromRun);
    }

    [Theory]
    [InlineData(2, RunStamps.Length)]
    [InlineData(RunStamps.Version, RunStamps.Length - 1)]
    public void Decode_ValueOfUnknownVersionOrShorterThanTheStamp_IsNotFromRun(byte version, int length)
    {
        var stamped = new byte[RunStamps.Length];
        RunStamps.Write(stamped, Nonce, 1, 1, 10);
        var value = stamped[..length];
        value[0] = version;

        Assert.False(RunStamps.Decode(null, value, Nonce).IsFromRun);
    }

    [Fact]
    public void Decode_ForeignMessage_IsNotFromRun()
    {
        Assert.False(RunStamps.Decode(new Headers { { "origin", "kcat"u8.ToArray() } }, "hello"u8.ToArray(), Nonce).IsFromRun);
        Assert.False(RunStamps.Decode(null, "{\"schema\":\"loadlab.inference.v1\"}"u8.ToArray(), Nonce).IsFromRun);
        Assert.False(RunStamps.Decode(null, null, Nonce).IsFromRun);
    }

    [Theory]
    [InlineData(RunStamps.Length - 1, false)]
    [InlineData(RunStamps.Length, true)]
    public void FitsInOpaqueValue_LengthAroundTheStamp_OnlyFromTheStampsLength(int length, bool fits)
    {
        Assert.Equal(fits, RunStamps.FitsInOpaqueValue(length));
    }

    private static Headers AsHeaders(RunStamp stamp) => new() { { RunStamps.Key, stamp.Value } };
}
