using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;
using LoadLab.Kafka.Protocol;

namespace LoadLab.Kafka.Proxy;

/// <summary>
/// One client connection through the proxy: requests forwarded as they come, responses held until their added latency
/// has passed (in order, without holding back the responses behind them any longer than their own latency), and both
/// directions stopped while the broker is cut off. A connection closes on both sides as soon as either side closes, so a
/// client sees a broker that goes down exactly as it would see the broker itself close.
/// </summary>
internal sealed class ProxiedConnection(TcpClient client, BrokerRoute route, BrokerAddressRewriter.AddressMap? rewrite, TimeProvider time, CancellationToken stopping)
{
    /// <summary>A Kafka frame larger than this is not one (the brokers' socket.request.max.bytes default is 100 MiB).</summary>
    private const int MaxFrameBytes = 100 << 20;

    /// <summary>Requests whose responses carry broker addresses, by correlation id.</summary>
    private readonly ConcurrentDictionary<int, (short ApiKey, short Version)> _awaitingRewrite = new();

    public async Task RunAsync()
    {
        using (client)
        using (var upstream = new TcpClient())
        using (var closed = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            try
            {
                // Kafka requests are small and latency-bound: never hold a segment back for Nagle.
                client.NoDelay = upstream.NoDelay = true;
                // A client that connects to a cut-off broker gets no answer at all, as behind a dropped SYN.
                await route.Gate.WaitOpenAsync(closed.Token).ConfigureAwait(false);
                await upstream.ConnectAsync(route.UpstreamHost, route.UpstreamPort, closed.Token).ConfigureAwait(false);
                var downstream = client.GetStream();
                var toBroker = upstream.GetStream();
                var responses = Channel.CreateBounded<Frame>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
                Task[] pumps =
                [
                    ForwardRequestsAsync(downstream, toBroker, closed.Token),
                    ReadResponsesAsync(toBroker, responses.Writer, closed.Token),
                    WriteResponsesAsync(responses.Reader, downstream, closed.Token),
                ];
                await Task.WhenAny(pumps).ConfigureAwait(false);
                // One side closed: end the others, which still wait for data, so both sockets close together.
                await closed.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(pumps.Select(p => p.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default))).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A refused or broken connection ends here: the client sees its connection closed, as with a real broker.
            }
        }
    }

    private async Task ForwardRequestsAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        while (true)
        {
            await route.Gate.WaitOpenAsync(cancellationToken).ConfigureAwait(false);
            var frame = await ReadFrameAsync(from, cancellationToken).ConfigureAwait(false);
            if (frame is null)
            {
                return;
            }

            try
            {
                if (rewrite is not null && frame.Value.Length >= 12)
                {
                    var header = frame.Value.Buffer.AsSpan(4);
                    var apiKey = BinaryPrimitives.ReadInt16BigEndian(header);
                    if (BrokerAddressRewriter.Rewrites(apiKey))
                    {
                        _awaitingRewrite[BinaryPrimitives.ReadInt32BigEndian(header[4..])] = (apiKey, BinaryPrimitives.ReadInt16BigEndian(header[2..]));
                    }
                }

                // Cut while the request was read: it waits with the rest.
                await route.Gate.WaitOpenAsync(cancellationToken).ConfigureAwait(false);
                await to.WriteAsync(frame.Value.Buffer.AsMemory(0, frame.Value.Length), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                frame.Value.Return();
            }
        }
    }

    private async Task ReadResponsesAsync(Stream from, ChannelWriter<Frame> responses, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await route.Gate.WaitOpenAsync(cancellationToken).ConfigureAwait(false);
                var frame = await ReadFrameAsync(from, cancellationToken).ConfigureAwait(false);
                if (frame is null)
                {
                    return;
                }

                var response = frame.Value;
                if (rewrite is not null && response.Length >= 8 && _awaitingRewrite.TryRemove(BinaryPrimitives.ReadInt32BigEndian(response.Buffer.AsSpan(4)), out var request))
                {
                    response = Rewritten(response, request.ApiKey, request.Version);
                }

                await responses.WriteAsync(response with { Due = time.GetTimestamp() + (long)(route.Latency.TotalSeconds * time.TimestampFrequency) }, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            responses.TryComplete();
        }
    }

    private async Task WriteResponsesAsync(ChannelReader<Frame> responses, Stream to, CancellationToken cancellationToken)
    {
        await foreach (var frame in responses.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var wait = frame.Due - time.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / time.TimestampFrequency), time, cancellationToken).ConfigureAwait(false);
                }

                await route.Gate.WaitOpenAsync(cancellationToken).ConfigureAwait(false);
                await to.WriteAsync(frame.Buffer.AsMemory(0, frame.Length), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                frame.Return();
            }
        }
    }

    /// <summary>The response with broker addresses mapped; unchanged when it does not parse (the client then sees what the broker sent).</summary>
    private Frame Rewritten(Frame response, short apiKey, short version)
    {
        byte[] body;
        try
        {
            body = BrokerAddressRewriter.Rewrite(response.Buffer.AsSpan(4, response.Length - 4), apiKey, version, rewrite!);
        }
        catch (KafkaProtocolException)
        {
            return response;
        }

        var rewritten = Frame.Rent(body.Length + 4);
        BinaryPrimitives.WriteInt32BigEndian(rewritten.Buffer, body.Length);
        body.CopyTo(rewritten.Buffer.AsSpan(4));
        response.Return();
        return rewritten;
    }

    /// <summary>One size-prefixed frame in a pooled buffer, or null at the end of the stream.</summary>
    private static async Task<Frame?> ReadFrameAsync(Stream from, CancellationToken cancellationToken)
    {
        var size = new byte[4];
        var read = 0;
        while (read < 4)
        {
            var got = await from.ReadAsync(size.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (got == 0)
            {
                return null;
            }

            read += got;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(size);
        if (length is < 0 or > MaxFrameBytes)
        {
            throw new IOException($"a frame of {length} bytes is not a Kafka message");
        }

        var frame = Frame.Rent(length + 4);
        size.CopyTo(frame.Buffer, 0);
        try
        {
            await from.ReadExactlyAsync(frame.Buffer.AsMemory(4, length), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            frame.Return();
            throw;
        }

        return frame;
    }

    private readonly record struct Frame(byte[] Buffer, int Length, long Due)
    {
        public static Frame Rent(int length) => new(ArrayPool<byte>.Shared.Rent(length), length, 0);

        public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
    }
}
