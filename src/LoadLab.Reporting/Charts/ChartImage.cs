namespace LoadLab.Reporting.Charts;

/// <summary>A rendered chart: PNG bytes, the file name it is saved under and its title (used as alt text).</summary>
public sealed record ChartImage(string FileName, string Title, int Width, int Height, byte[] Png);
