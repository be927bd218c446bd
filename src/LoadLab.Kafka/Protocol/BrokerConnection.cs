using System.Buffers.Binary;
using System.Net.Sockets;

namespace LoadLab.Kafka.Protocol;

/// <summary>
/// One plaintext connection to one broker for the few requests LoadLab sends itself: a request aimed at a chosen broker
/// (librdkafka's admin API picks the broker), and ListPartitionReassignments (librdkafka has no API for it). Request
/// header v1 or v2 (flexible versions), response header v0 or v1, as Apache Kafka's <c>RequestHeader.json</c> and
/// <c>ResponseHeader.json</c> define them. Not thread-safe: one request at a time.
/// </summary>
internal sealed class BrokerConnection : IAsyncDisposable
{
    private const string ClientId = "loadlab-observer";
    private const int MaxResponseBytes = 64 << 20;

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private int _correlationId;

    private BrokerConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<BrokerConnection> OpenAsync(string host, int port, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new BrokerConnection(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends one request and returns its response body (after the response header). Throws <see cref="IOException"/>
    /// when the broker closes the connection (as librdkafka's mock does for an API it does not know) and
    /// <see cref="KafkaProtocolException"/> when the answer does not belong to the request.
    /// </summary>
    public async Task<byte[]> SendAsync(short apiKey, short version, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var flexible = ApiKeys.IsFlexible(apiKey, version);
        var correlationId = ++_correlationId;
        var header = new KafkaWriter();
        header.WriteInt32(0);
        header.WriteInt16(apiKey);
        header.WriteInt16(version);
        header.WriteInt32(correlationId);
        header.WriteString(ClientId, compact: false);
        if (flexible && apiKey != ApiKeys.ApiVersions)
        {
            header.WriteEmptyTaggedFields();
        }

        var request = new byte[header.Written.Length + body.Length];
        header.Written.CopyTo(request);
        body.Span.CopyTo(request.AsSpan(header.Written.Length));
        BinaryPrimitives.WriteInt32BigEndian(request, request.Length - 4);
        await _stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);

        var sizeBytes = new byte[4];
        await _stream.ReadExactlyAsync(sizeBytes, cancellationToken).ConfigureAwait(false);
        var size = BinaryPrimitives.ReadInt32BigEndian(sizeBytes);
        if (size is < 4 or > MaxResponseBytes)
        {
            throw new KafkaProtocolException($"a response of {size} bytes is not a Kafka response");
        }

        var response = new byte[size];
        await _stream.ReadExactlyAsync(response, cancellationToken).ConfigureAwait(false);
        var reader = new KafkaReader(response);
        var answered = reader.ReadInt32();
        if (answered != correlationId)
        {
            throw new KafkaProtocolException($"the response answers request {answered}, not {correlationId}");
        }

        if (ApiKeys.HasFlexibleResponseHeader(apiKey, version))
        {
            reader.SkipTaggedFields();
        }

        return response[reader.Position..];
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
