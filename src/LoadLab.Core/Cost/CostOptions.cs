namespace LoadLab.Core.Cost;

/// <summary>Choices that change an estimate but belong to neither the workload nor the platform profile.</summary>
public sealed record CostOptions
{
    /// <summary>Consumers read from an in-zone follower where the platform supports it (KIP-392). Default off, as in Kafka.</summary>
    public bool FetchFromFollower { get; init; }
    /// <summary>Replaces every profile's compute headroom (0.2 = 20 %); null keeps the profiles' values.</summary>
    public double? Headroom { get; init; }
    /// <summary>Replaces every profile's operator events per month; null keeps the profiles' values.</summary>
    public double? OperatorEventsPerMonth { get; init; }

    /// <summary>Every problem with these options, as command-line problems.</summary>
    public IReadOnlyList<CostInputProblem> Validate()
    {
        var problems = new List<CostInputProblem>();
        if (Headroom is { } headroom && (headroom < 0 || headroom > 10 || double.IsNaN(headroom)))
        {
            problems.Add(new CostInputProblem(null, "--headroom", 0, $"is {headroom} but must be between 0 and 10.", "give a fraction, e.g. --headroom 0.2 for 20 %."));
        }

        if (OperatorEventsPerMonth is { } events && (events < 0 || double.IsNaN(events)))
        {
            problems.Add(new CostInputProblem(null, "--operator-events", 0, $"is {events} but must be 0 or more.", "give events per month, e.g. --operator-events 4."));
        }

        return problems;
    }
}
