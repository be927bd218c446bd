using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LoadLab.Core.Scenarios;
using LoadLab.Environments.Embedded.Hosting;
using Xunit.Abstractions;

namespace LoadLab.Integration.Tests.Embedded;

public sealed class ControlEndpointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ControlEndpoint_Routes_ActOnTheClusterAndAnswerJson()
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, FreePort());
        await using var host = await EmbeddedClusterHost.StartAsync(EmbeddedTestCluster.FastOptions, [new TopicSpec("ctl", 3, 3)], endpoint, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = host.ControlUri, Timeout = TimeSpan.FromSeconds(20) };

        using var brokers = JsonDocument.Parse(await http.GetStringAsync("brokers"));
        var leaderOf0 = JsonDocument.Parse(await http.GetStringAsync("partitions/ctl/0/leader")).RootElement.GetProperty("leader").GetInt32();
        var target = leaderOf0 % 3 + 1;
        var move = await http.PostAsync($"partitions/ctl/0/leader?broker={target}", null);
        var slow = await http.PostAsync("brokers/2/slow?ms=50", null);
        var kill = await http.PostAsync("brokers/3/kill", null);
        var killBody = await kill.Content.ReadAsStringAsync();
        using var afterKill = JsonDocument.Parse(await http.GetStringAsync("brokers"));
        var restart = await http.PostAsync("brokers/3/restart", null);
        var errors = await http.PostAsync("errors?api=0&code=PolicyViolation&count=1", null);
        var badCode = await http.PostAsync("errors?api=0&code=NoSuchError", null);
        var unknown = await http.PostAsync("brokers/1/explode", null);
        var missing = await http.GetAsync("nowhere");

        output.WriteLine(killBody);
        Assert.Equal(3, brokers.RootElement.GetArrayLength());
        Assert.Equal("rack-1", brokers.RootElement[0].GetProperty("rack").GetString());
        Assert.Equal(HttpStatusCode.OK, move.StatusCode);
        Assert.Equal(target, EmbeddedTestCluster.LeaderOf(EmbeddedTestCluster.Metadata(host.Cluster), "ctl", 0));
        Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
        Assert.Equal(HttpStatusCode.OK, kill.StatusCode);
        Assert.True(JsonDocument.Parse(killBody).RootElement.GetProperty("succeeded").GetBoolean());
        Assert.Equal("down", afterKill.RootElement.EnumerateArray().Single(b => b.GetProperty("id").GetInt32() == 3).GetProperty("state").GetString());
        Assert.Equal(50, afterKill.RootElement.EnumerateArray().Single(b => b.GetProperty("id").GetInt32() == 2).GetProperty("slowMs").GetInt32());
        Assert.Equal(HttpStatusCode.OK, restart.StatusCode);
        Assert.Equal(HttpStatusCode.OK, errors.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badCode.StatusCode);
        Assert.Contains("Unknown error code 'NoSuchError'", await badCode.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task StartAsync_NonLoopbackControlEndpoint_IsRefused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            EmbeddedClusterHost.StartAsync(EmbeddedTestCluster.FastOptions, [], new IPEndPoint(IPAddress.Any, 8089), CancellationToken.None));

        Assert.StartsWith("The control endpoint 0.0.0.0:8089 is not a loopback address", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("events", "events", 3, 3)]
    [InlineData("events:6", "events", 6, 3)]
    [InlineData("events:6:2", "events", 6, 2)]
    public void TopicArgument_ValidForms_Parse(string text, string name, int partitions, int replicationFactor)
    {
        Assert.Equal(new TopicSpec(name, partitions, replicationFactor), TopicArgument.TryParse(text, 3, out _));
    }

    [Theory]
    [InlineData("events:six", "--topic 'events:six': partitions 'six' is not a whole number, e.g. --topic events:6.")]
    [InlineData(":3", "--topic ':3' is not name[:partitions[:replication-factor]], e.g. --topic events:6:3.")]
    [InlineData("a:1:2:3", "--topic 'a:1:2:3' is not name[:partitions[:replication-factor]], e.g. --topic events:6:3.")]
    public void TopicArgument_InvalidForms_NameTheFix(string text, string expected)
    {
        Assert.Null(TopicArgument.TryParse(text, 3, out var problem));
        Assert.Equal(expected, problem);
    }

    internal static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
