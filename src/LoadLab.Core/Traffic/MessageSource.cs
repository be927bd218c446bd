using LoadLab.Core.Scenarios;

namespace LoadLab.Core.Traffic;

/// <summary>
/// Generates the keys and values of one producer instance of a traffic stream: inference event envelopes
/// (see ENVELOPE.md), agent chains, opaque payloads, sized by the payload schedule and keyed by the key
/// distribution and hot-key windows. Everything is rendered into pools while the source is constructed;
/// <see cref="Next"/> only picks a pooled envelope, copies it into a reused array of the message's length
/// (whose padding is already in place), and patches ids, timestamp, identity and key in place, so it
/// allocates nothing after warm-up.
/// Not thread-safe: one source per producer instance.
/// </summary>
/// <remarks>
/// Arrays are owned by the source and reused: a message is valid only until the next call (the Kafka client
/// copies it while producing). The same seed, stream name, producer index, duration and run start give a
/// byte-identical sequence of messages for the same sequence of <c>elapsed</c> values.
/// </remarks>
public sealed class MessageSource
{
    /// <summary>The run start used for <c>timestamp_ms</c> when the engine does not pass one.</summary>
    public static readonly DateTimeOffset DefaultRunStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int TemplatesPerBlockState = 64;
    private const int ChainsPerBlockState = 16;
    private const int OpaqueJitter = 4096;
    private const ulong KeyPurpose = 0x4B45_5953;
    private const ulong PayloadPurpose = 0x5041_594C;
    private const ulong TemplatePurpose = 0x5445_4D50;

    private static readonly InferenceEventType[] ChainSteps = [.. InferenceEventTypes.ChainSteps];

    private readonly PayloadKind _kind;
    private readonly double _chainShare;
    private readonly KeySpace _keySpace;
    private readonly KeyChooser _keyChooser;
    private readonly PayloadSchedule _schedule;
    private readonly TemplatePool[]? _predictionPools;
    private readonly TemplatePool[]? _chainPools;
    private readonly byte[] _padding;
    private readonly ValueBuffers _buffers;
    private readonly byte[] _key;
    private readonly byte[] _eventDigits = new byte[EventIds.SequenceTailLength];
    private readonly byte[] _causeDigits = new byte[EventIds.SequenceTailLength];
    private readonly byte[] _actionDigits = new byte[EventIds.SequenceTailLength];
    private readonly byte[] _timestampDigits = new byte[EnvelopeTemplateFactory.TimestampDigits];
    private long _runStartMilliseconds;
    private long _timestampMilliseconds = -1;
    private FastRandom _keyRandom;
    private FastRandom _payloadRandom;
    private SchedulePoint _point;
    private int _predictionFit;
    private int _chainFit;
    private EnvelopeTemplate[]? _chain;
    private int _chainStep;
    private int _chainKey;
    private long _actionSequence = -1;

    /// <summary>A source whose envelopes carry timestamps from <see cref="DefaultRunStart"/>.</summary>
    public MessageSource(TrafficStream stream, int seed, int producerIndex, TimeSpan runDuration)
        : this(stream, seed, producerIndex, runDuration, DefaultRunStart)
    {
    }

    /// <summary>
    /// Moves the wall-clock start that <c>timestamp_ms</c> counts from, e.g. to when the run's clock really started
    /// (a run creates its sources before waiting for its consumer groups). Call before the first message.
    /// </summary>
    /// <param name="runStart">Between 2001-09-09 and 2286-11-20 (13-digit epoch milliseconds).</param>
    public void StartRunAt(DateTimeOffset runStart)
    {
        var milliseconds = runStart.ToUnixTimeMilliseconds();
        if (milliseconds is < 1_000_000_000_000L or > 9_000_000_000_000L)
        {
            throw new ArgumentOutOfRangeException(nameof(runStart), runStart, "The run start must give a 13-digit Unix time in milliseconds.");
        }

        _runStartMilliseconds = milliseconds;
    }

    /// <summary>A source whose envelopes carry <c>timestamp_ms</c> = <paramref name="runStart"/> + elapsed.</summary>
    /// <param name="stream">The traffic stream (payload and keys are used here; rates belong to the pacer).</param>
    /// <param name="seed">The scenario seed.</param>
    /// <param name="producerIndex">This producer instance, 0 ≤ index &lt; <see cref="TrafficStream.Producers"/>.</param>
    /// <param name="runDuration">Warm-up plus measured duration: linear payload growth reaches its target here.</param>
    /// <param name="runStart">Wall-clock start of the run, between 2001-09-09 and 2286-11-20 (13-digit epoch milliseconds).</param>
    public MessageSource(TrafficStream stream, int seed, int producerIndex, TimeSpan runDuration, DateTimeOffset runStart)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var producers = Math.Max(1, stream.Producers);
        ArgumentOutOfRangeException.ThrowIfNegative(producerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(producerIndex, producers);
        var payload = stream.Payload;
        if (payload.ChainShare is < 0 or > 1 || double.IsNaN(payload.ChainShare))
        {
            throw new ArgumentOutOfRangeException(nameof(stream), payload.ChainShare, "payload.chainShare must be between 0 and 1.");
        }

        StartRunAt(runStart);

        _kind = payload.Kind;
        _chainShare = _kind switch
        {
            PayloadKind.AgentChain => 1.0,
            PayloadKind.Mixed => payload.ChainShare,
            _ => 0.0,
        };
        _keyRandom = new FastRandom(FastRandom.DeriveSeed(seed, stream.Name, producerIndex, KeyPurpose));
        _payloadRandom = new FastRandom(FastRandom.DeriveSeed(seed, stream.Name, producerIndex, PayloadPurpose));
        _keySpace = new KeySpace(stream.Keys);
        _key = _keySpace.NewKeyBuffer();
        _keyChooser = new KeyChooser(stream.Keys, producerIndex, producers);
        _schedule = new PayloadSchedule(payload, runDuration);

        var paddingRandom = new FastRandom(FastRandom.DeriveSeed(seed, stream.Name, producerIndex, PayloadPurpose ^ 1));
        if (_kind == PayloadKind.Fixed)
        {
            // Opaque values are random bytes; a random window of this array keeps consecutive values different.
            _padding = new byte[_schedule.MaximumSize + OpaqueJitter];
            for (var index = 0; index < _padding.Length; index++)
            {
                _padding[index] = (byte)paddingRandom.NextUInt64();
            }

            _buffers = new ValueBuffers(padding: null);
        }
        else
        {
            var templateSeed = FastRandom.DeriveSeed(seed, stream.Name, producerIndex, TemplatePurpose);
            var factory = new EnvelopeTemplateFactory(
                (int)templateSeed, payload.Features, _keySpace, (uint)(templateSeed >> 32), producerIndex);
            if (_chainShare < 1.0)
            {
                _predictionPools = _schedule.BlockStates
                    .Select(blocks => new TemplatePool(Enumerable.Range(0, TemplatesPerBlockState).Select(_ => new[] { factory.Prediction(blocks) })))
                    .ToArray();
            }

            if (_chainShare > 0.0)
            {
                _chainPools = _schedule.BlockStates
                    .Select(blocks => new TemplatePool(Enumerable.Range(0, ChainsPerBlockState).Select(_ => factory.AgentChain(blocks))))
                    .ToArray();
            }

            var pools = (_predictionPools ?? []).Concat(_chainPools ?? []).ToArray();
            MinimumEnvelopeSize = pools.Min(pool => pool.ShortestLength);

            // Padding is random alphanumeric text, valid inside a JSON string. A value array keeps the text at
            // fixed positions, so a message only restores the stretch the previous envelope covered.
            var alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"u8;
            _padding = new byte[Math.Max(_schedule.MaximumSize, RoundUpToGranularity(pools.Max(pool => pool.LongestLength)))];
            for (var index = 0; index < _padding.Length; index++)
            {
                _padding[index] = alphabet[paddingRandom.NextInt(alphabet.Length)];
            }

            _buffers = new ValueBuffers(_padding);
        }

        Refresh(0);
    }

    /// <summary>The target value size at the time of the last message (before the first: at time 0).</summary>
    /// <remarks>
    /// Envelopes equal the target exactly when a pooled envelope fits in it; an envelope longer than the target
    /// (a small target with many blocks switched on) is sent at its own length rounded up to 64 B.
    /// </remarks>
    public int CurrentTargetSize => _point.TargetSize;

    /// <summary>
    /// The shortest envelope in the pools (1 for opaque payloads): targets at or above it are met exactly,
    /// at least by some pooled envelopes (smaller targets use only those that fit).
    /// </summary>
    public int MinimumEnvelopeSize { get; } = 1;

    /// <summary>Number of messages generated so far; the last message's <c>event_id</c> carries <c>MessageCount − 1</c>.</summary>
    public long MessageCount { get; private set; }

    /// <summary>What the last message was (a chain step, a prediction or opaque bytes).</summary>
    public InferenceEventType LastEventType { get; private set; } = InferenceEventType.Opaque;

    /// <summary>Index in the key space of the last message's key, −1 when messages have no key.</summary>
    internal int LastKeyIndex { get; private set; } = -1;

    /// <summary>The target value size at <paramref name="elapsed"/> (for reports of the schedule).</summary>
    public int TargetSizeAt(TimeSpan elapsed) => _schedule.At(elapsed.Ticks).TargetSize;

    /// <summary>The message due at <paramref name="elapsed"/> (intended send time since the start of the run).</summary>
    public GeneratedMessage Next(TimeSpan elapsed)
    {
        var ticks = elapsed.Ticks;
        if (ticks < _point.FromTicks || ticks >= _point.UntilTicks)
        {
            Refresh(ticks);
        }

        byte[] value;
        if (_chain is not null)
        {
            value = WriteEnvelope(_chain[_chainStep], ChainSteps[_chainStep], ticks);
            LastKeyIndex = _chainKey;
            AdvanceChain();
        }
        else
        {
            var keyIndex = _keyChooser.Next(ticks, ref _keyRandom);
            LastKeyIndex = keyIndex;
            if (_kind == PayloadKind.Fixed)
            {
                value = WriteOpaque();
            }
            else
            {
                _actionSequence++;
                EventIds.FormatSequence(_actionDigits, _actionSequence);
                if (_chainShare > 0.0 && (_chainShare >= 1.0 || _payloadRandom.NextDouble() < _chainShare))
                {
                    _chain = _chainPools![_point.BlockState].Pick(_chainFit, ref _payloadRandom);
                    _chainStep = 0;
                    _chainKey = keyIndex;
                    value = WriteEnvelope(_chain[0], ChainSteps[0], ticks);
                    AdvanceChain();
                }
                else
                {
                    var template = _predictionPools![_point.BlockState].Pick(_predictionFit, ref _payloadRandom)[0];
                    value = WriteEnvelope(template, InferenceEventType.Prediction, ticks);
                }
            }
        }

        MessageCount++;
        if (LastKeyIndex < 0)
        {
            return new GeneratedMessage(null, value);
        }

        _keySpace.WriteKey(_key, LastKeyIndex);
        return new GeneratedMessage(_key, value);
    }

    private void AdvanceChain()
    {
        _chainStep++;
        if (_chainStep == ChainSteps.Length)
        {
            _chain = null;
            _chainStep = 0;
        }
    }

    private byte[] WriteOpaque()
    {
        LastEventType = InferenceEventType.Opaque;
        var value = _buffers.Get(_point.TargetSize).Array;
        _padding.AsSpan(_payloadRandom.NextInt(OpaqueJitter), value.Length).CopyTo(value);
        return value;
    }

    private byte[] WriteEnvelope(EnvelopeTemplate template, InferenceEventType type, long ticks)
    {
        LastEventType = type;
        FormatTimestamp(ticks);
        var target = _point.TargetSize;
        var length = template.MinimumLength <= target ? target : RoundUpToGranularity(template.MinimumLength);
        var buffer = _buffers.Get(length);
        var span = buffer.Array.AsSpan();
        var body = template.Body;
        if (body.Length < buffer.PaddingFrom)
        {
            _padding.AsSpan(body.Length, buffer.PaddingFrom - body.Length).CopyTo(span[body.Length..]);
        }

        body.CopyTo(span);
        buffer.PaddingFrom = body.Length;

        EventIds.FormatSequence(_eventDigits, MessageCount);
        EventIds.CopySequence(_eventDigits, span[template.EventIdOffset..]);
        EventIds.CopySequence(_eventDigits, span[template.RequestIdOffset..]);
        EventIds.CopySequence(_actionDigits, span[template.CorrelationIdOffset..]);
        if (type is InferenceEventType.Prediction or InferenceEventType.Retrieval)
        {
            EventIds.CopySequence(_actionDigits, span[template.CausationIdOffset..]);
        }
        else
        {
            EventIds.FormatSequence(_causeDigits, MessageCount - 1);
            EventIds.CopySequence(_causeDigits, span[template.CausationIdOffset..]);
        }

        _timestampDigits.CopyTo(span[template.TimestampOffset..]);
        var keyIndex = _chain is null ? LastKeyIndex : _chainKey;
        if (keyIndex >= 0)
        {
            _keySpace.WriteIdentity(span.Slice(template.IdentityOffset, _keySpace.IdentityLength), keyIndex);
        }

        return buffer.Array;
    }

    private void FormatTimestamp(long ticks)
    {
        var milliseconds = Math.Clamp(_runStartMilliseconds + (ticks / TimeSpan.TicksPerMillisecond), 1_000_000_000_000L, 9_999_999_999_999L);
        if (milliseconds == _timestampMilliseconds)
        {
            return;
        }

        _timestampMilliseconds = milliseconds;
        for (var position = _timestampDigits.Length - 1; position >= 0; position--)
        {
            _timestampDigits[position] = (byte)('0' + (milliseconds % 10));
            milliseconds /= 10;
        }
    }

    private static int RoundUpToGranularity(int length) =>
        (length + PayloadSchedule.Granularity - 1) / PayloadSchedule.Granularity * PayloadSchedule.Granularity;

    private void Refresh(long ticks)
    {
        _point = _schedule.At(ticks);
        _predictionFit = _predictionPools?[_point.BlockState].FitCount(_point.TargetSize) ?? 0;
        _chainFit = _chainPools?[_point.BlockState].FitCount(_point.TargetSize) ?? 0;
    }

    /// <summary>
    /// Envelope stories (one prediction, or the four steps of a chain) sorted by their longest envelope, so
    /// the stories that fit a target are a prefix of the array.
    /// </summary>
    private sealed class TemplatePool
    {
        private readonly EnvelopeTemplate[][] _stories;
        private readonly int[] _lengths;

        public TemplatePool(IEnumerable<EnvelopeTemplate[]> stories)
        {
            _stories = stories.OrderBy(story => story.Max(template => template.MinimumLength)).ToArray();
            _lengths = _stories.Select(story => story.Max(template => template.MinimumLength)).ToArray();
        }

        public int ShortestLength => _lengths[0];

        public int LongestLength => _lengths[^1];

        /// <summary>How many stories fit in <paramref name="target"/> bytes.</summary>
        public int FitCount(int target)
        {
            var low = 0;
            var high = _lengths.Length;
            while (low < high)
            {
                var middle = (low + high) >>> 1;
                if (_lengths[middle] <= target)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return low;
        }

        /// <summary>A random story among those that fit, or among all when none does.</summary>
        public EnvelopeTemplate[] Pick(int fitCount, ref FastRandom random) =>
            _stories[random.NextInt(fitCount > 0 ? fitCount : _stories.Length)];
    }

    /// <summary>
    /// Value arrays by exact length. A run uses few lengths at a time (the target, and rounded-up lengths of
    /// envelopes longer than it), so a small set of slots replaced round-robin never allocates in steady state.
    /// Arrays of lengths no longer in use are let go once they would hold more than <see cref="RetainedBytes"/>
    /// (payloads can grow to 64 MiB), which costs one allocation per size change, never one per message.
    /// </summary>
    private sealed class ValueBuffers(byte[]? padding)
    {
        private const int Slots = 16;
        private const long RetainedBytes = 16L << 20;
        private readonly ValueBuffer?[] _buffers = new ValueBuffer?[Slots];
        private int _nextVictim;
        private long _retained;

        public ValueBuffer Get(int length)
        {
            foreach (var buffer in _buffers)
            {
                if (buffer is not null && buffer.Array.Length == length)
                {
                    return buffer;
                }
            }

            var created = new ValueBuffer(new byte[length]);
            if (padding is not null)
            {
                // An envelope array starts as all padding closed by "}; envelopes then overwrite its start.
                padding.AsSpan(0, length - 2).CopyTo(created.Array);
                created.Array[length - 2] = (byte)'"';
                created.Array[length - 1] = (byte)'}';
            }

            if (_retained + length > RetainedBytes)
            {
                Array.Clear(_buffers);
                _retained = 0;
            }

            _retained += length - (_buffers[_nextVictim]?.Array.Length ?? 0);
            _buffers[_nextVictim] = created;
            _nextVictim = (_nextVictim + 1) % Slots;
            return created;
        }
    }

    /// <summary>A value array and where its intact padding begins (it runs to the closing <c>"}</c>).</summary>
    private sealed class ValueBuffer(byte[] array)
    {
        public byte[] Array { get; } = array;

        public int PaddingFrom { get; set; }
    }
}

/// <summary>A generated message; the arrays belong to the <see cref="MessageSource"/>.</summary>
public readonly record struct GeneratedMessage(byte[]? Key, byte[] Value);
