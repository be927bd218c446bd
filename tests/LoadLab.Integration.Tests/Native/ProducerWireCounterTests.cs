using System.Globalization;
using System.Text;
using LoadLab.Kafka.Native;

namespace LoadLab.Integration.Tests.Native;

public sealed class ProducerWireCounterTests
{
    /// <summary>A statistics report with the fields the counter reads (STATISTICS.md), as librdkafka emits it.</summary>
    private static byte[] Report(long txmsgs, long txmsgBytes, long batches, long batchBytes, params (string Broker, long TxBytes, long Produce)[] brokers)
    {
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $"{{\"txmsgs\": {txmsgs}, \"txmsg_bytes\": {txmsgBytes}, ");
        json.Append(CultureInfo.InvariantCulture, $"\"topics\": {{\"t\": {{\"batchsize\": {{\"cnt\": {batches}, \"sum\": {batchBytes}}}}}}}, \"brokers\": {{");
        json.AppendJoin(", ", brokers.Select(b => string.Create(CultureInfo.InvariantCulture,
            $"\"{b.Broker}\": {{\"txbytes\": {b.TxBytes}, \"req\": {{\"Produce\": {b.Produce}, \"Metadata\": 3}}}}")));
        json.Append("}}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    [Fact]
    public void Add_Reports_SumsBatchWindowsAndKeepsCumulativeCountersAcrossABrokerRestart()
    {
        var counter = new ProducerWireCounter();

        counter.Add(Report(10, 1_000, 4, 1_200, ("a:1/1", 300, 2), ("a:2/2", 200, 1)));
        counter.Add(Report(20, 2_000, 5, 1_300, ("a:1/1", 700, 5), ("a:2/2", 400, 2)));
        // Broker 1 left the metadata and came back: its new handle counts from zero again.
        counter.Add(Report(30, 3_000, 6, 1_400, ("a:1/1", 150, 1), ("a:2/2", 600, 3)));

        var totals = counter.Totals;
        Assert.Equal(3, totals.Reports);
        Assert.Equal(30, totals.Messages);
        Assert.Equal(3_000, totals.MessageBytes);
        Assert.Equal(4 + 5 + 6, totals.Batches);
        Assert.Equal(1_200 + 1_300 + 1_400, totals.BatchBytes);
        Assert.Equal(700 + 150 + 600, totals.RequestBytes);
        Assert.Equal(5 + 1 + 3, totals.ProduceRequests);
    }

    [Fact]
    public async Task WaitForNextReport_ReportArrivingMeanwhile_ReturnsTrueAndWithoutOneFalse()
    {
        var counter = new ProducerWireCounter();
        Assert.False(counter.WaitForNextReport(seen: 0, TimeSpan.FromMilliseconds(20)));

        // Whether the report lands before or while the wait runs, it is one more than the 0 seen.
        var waiting = Task.Run(() => counter.WaitForNextReport(seen: 0, TimeSpan.FromSeconds(10)));
        counter.Add(Report(1, 1, 1, 1, ("a:1/1", 1, 1)));

        Assert.True(await waiting);
    }

    [Fact]
    public void WasReadyToSend_Reports_ReadyOnceTheProducerIdIsAssignedAndEveryPartitionHasALeaderAndItStaysSo()
    {
        var counter = new ProducerWireCounter();
        Assert.False(counter.WasReadyToSend("t"));

        // Leaders known, producer id still being asked for: messages would wait.
        counter.Add(Readiness("WaitTransport", ("0", 1), ("1", 2), ("-1", -1)));
        Assert.False(counter.WasReadyToSend("t"));
        Assert.Equal("WaitTransport", counter.IdempotenceState);

        // Id assigned, one partition without a leader.
        counter.Add(Readiness("Assigned", ("0", 1), ("1", -1)));
        Assert.False(counter.WasReadyToSend("t"));

        // Reports are parsed in no guaranteed order: once seen ready, an older report parsed later does not undo it.
        counter.Add(Readiness("Assigned", ("0", 1), ("1", 2), ("-1", -1)));
        counter.Add(Readiness("WaitPID", ("0", 1), ("1", 2)));
        Assert.True(counter.WasReadyToSend("t"));
        Assert.False(counter.WasReadyToSend("other"));
    }

    [Fact]
    public void WasReadyToSend_ClientWithoutIdempotence_ReadyWithLeadersAlone()
    {
        var counter = new ProducerWireCounter();

        counter.Add(Readiness(idempotenceState: null, ("0", 3)));

        Assert.True(counter.WasReadyToSend("t"));
        Assert.Null(counter.IdempotenceState);
    }

    /// <summary>A report of topic <c>t</c> with its partitions' leaders and, unless null, the <c>eos</c> section of an idempotent client.</summary>
    private static byte[] Readiness(string? idempotenceState, params (string Partition, int Leader)[] partitions)
    {
        var json = new StringBuilder("{\"txmsgs\": 0, \"topics\": {\"t\": {\"partitions\": {");
        json.AppendJoin(", ", partitions.Select(p => string.Create(CultureInfo.InvariantCulture, $"\"{p.Partition}\": {{\"partition\": {p.Partition}, \"leader\": {p.Leader}}}")));
        json.Append("}}}");
        if (idempotenceState is not null)
        {
            json.Append(CultureInfo.InvariantCulture, $", \"eos\": {{\"idemp_state\": \"{idempotenceState}\", \"producer_id\": 7}}");
        }

        json.Append('}');
        return Encoding.UTF8.GetBytes(json.ToString());
    }
}
