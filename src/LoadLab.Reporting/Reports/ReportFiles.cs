using System.Text;
using LoadLab.Reporting.Charts;

namespace LoadLab.Reporting.Reports;

/// <summary>Writes report files as UTF-8 without BOM and with LF line endings, so the bytes depend on the input only.</summary>
internal static class ReportFiles
{
    public const string ChartsFolder = "charts";
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static string WriteText(string directory, string fileName, string text)
    {
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"), Utf8);
        return path;
    }

    public static IEnumerable<string> WriteCharts(string directory, IEnumerable<ChartImage> charts)
    {
        var folder = Path.Combine(directory, ChartsFolder);
        Directory.CreateDirectory(folder);
        foreach (var chart in charts)
        {
            var path = Path.Combine(folder, chart.FileName);
            File.WriteAllBytes(path, chart.Png);
            yield return path;
        }
    }
}
