using System.Globalization;
using System.Net;
using System.Text;
using LoadLab.Reporting.Charts;

namespace LoadLab.Reporting.Reports;

/// <summary>
/// One self-contained HTML document: inline CSS, charts as base64 PNG data URIs, no scripts and no
/// network references, so the file can be mailed, attached to a runbook review or opened offline.
/// </summary>
internal sealed class HtmlPage
{
    private const string Style = """
        :root { color-scheme: light; }
        body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
        header { background: #24292f; color: #fff; padding: 18px 32px; }
        header h1 { margin: 0 0 4px 0; font-size: 24px; }
        header p { margin: 0; color: #d0d7de; }
        main { padding: 8px 32px 32px 32px; max-width: 1280px; }
        section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 20px 16px 20px; margin-top: 16px; }
        h2 { font-size: 18px; margin: 12px 0; }
        p.note { color: #57606a; font-size: 13px; margin: 0 0 10px 0; }
        table { border-collapse: collapse; font-size: 14px; }
        th, td { border-bottom: 1px solid #d8dee4; padding: 5px 12px; text-align: left; vertical-align: top; }
        th { background: #f6f8fa; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.good { color: #116329; font-weight: bold; }
        td.bad { color: #a40e26; font-weight: bold; }
        td.best { background: #dafbe1; font-weight: bold; }
        .banner { border-radius: 6px; padding: 10px 16px; margin-top: 16px; font-weight: bold; }
        .banner.warn { background: #fff8c5; border: 1px solid #d4a72c; }
        figure { margin: 16px 0; }
        figure img { max-width: 100%; height: auto; border: 1px solid #d0d7de; }
        figcaption { color: #57606a; font-size: 13px; }
        pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 12px; overflow-x: auto; font-size: 13px; }
        ul.missing { color: #57606a; font-size: 14px; }
        """;

    private readonly StringBuilder _body = new();

    public HtmlPage(string title, string subtitle)
    {
        Title = title;
        _body.Append("<header>\n<h1>").Append(Encode(title)).Append("</h1>\n<p>").Append(Encode(subtitle)).Append("</p>\n</header>\n<main>\n");
    }

    public string Title { get; }

    public HtmlPage Banner(string text)
    {
        _body.Append("<div class=\"banner warn\">").Append(Encode(text)).Append("</div>\n");
        return this;
    }

    public HtmlPage Add(Table table)
    {
        table.WriteHtml(_body);
        return this;
    }

    public HtmlPage Charts(string heading, IEnumerable<ChartImage> charts)
    {
        _body.Append("<section>\n<h2>").Append(Encode(heading)).Append("</h2>\n");
        foreach (var chart in charts)
        {
            _body.Append("<figure>\n<img alt=\"").Append(Encode(chart.Title))
                .Append("\" width=\"").Append(chart.Width.ToString(CultureInfo.InvariantCulture))
                .Append("\" height=\"").Append(chart.Height.ToString(CultureInfo.InvariantCulture))
                .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(chart.Png)).Append("\">\n")
                .Append("<figcaption>").Append(Encode(chart.FileName)).Append("</figcaption>\n</figure>\n");
        }

        _body.Append("</section>\n");
        return this;
    }

    public HtmlPage Preformatted(string heading, string text)
    {
        _body.Append("<section>\n<h2>").Append(Encode(heading)).Append("</h2>\n<pre>").Append(Encode(text)).Append("</pre>\n</section>\n");
        return this;
    }

    public HtmlPage List(string heading, IEnumerable<string> items)
    {
        _body.Append("<section>\n<h2>").Append(Encode(heading)).Append("</h2>\n<ul class=\"missing\">\n");
        foreach (var item in items)
        {
            _body.Append("<li>").Append(Encode(item)).Append("</li>\n");
        }

        _body.Append("</ul>\n</section>\n");
        return this;
    }

    public string Render() =>
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
        "<title>" + Encode(Title) + "</title>\n<style>\n" + Style + "\n</style>\n</head>\n<body>\n" +
        _body + "</main>\n</body>\n</html>\n";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
