namespace LoadLab.Environments.Embedded;

/// <summary>A broker as the embedded environment's controller sees it.</summary>
/// <param name="Id">Broker id.</param>
/// <param name="Rack">Rack (availability zone).</param>
/// <param name="State">"up", "down" or "paused".</param>
/// <param name="SlowMilliseconds">Added round-trip time while up, 0 for none.</param>
/// <param name="Leads">Partitions it leads, as topic/partition.</param>
/// <param name="Coordinates">Registered consumer groups it coordinates.</param>
/// <param name="IsController">Whether it is the controller reported in metadata.</param>
public sealed record BrokerStatus(int Id, string Rack, string State, int SlowMilliseconds, IReadOnlyList<string> Leads, IReadOnlyList<string> Coordinates, bool IsController);
