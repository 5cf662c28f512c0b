using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Reports;

/// <summary>
/// Writes one self-contained HTML page: a summary (counts by severity, provider, resource type and
/// incident kind; the time range; the input files), a timeline of shares per grantee drawn as inline
/// SVG, and tables of the incidents and the findings (an incident's findings are in the findings table,
/// with its id). No script, no external resource: the page fetches nothing and runs nothing.
/// <para>
/// Every value from a log is attacker-controlled and is HTML-encoded (<see cref="HtmlText"/>) wherever
/// it is written: table cells, SVG text and SVG &lt;title&gt; tooltips. A strict Content-Security-Policy
/// (no script, no fetch, inline styles and data: images only) is a second line of defence.
/// </para>
/// <para>
/// Streaming, bounded memory: table rows are encoded as they arrive and spooled to temporary files;
/// only counts, the first <see cref="HtmlReportOptions.MaxTrackedGrantees"/> grantees' timeline marks
/// (at most <see cref="HtmlReportOptions.MaxMarksPerGrantee"/> each) and the first
/// <see cref="HtmlReportOptions.MaxTrackedSources"/> input files are kept. <see cref="Complete"/>
/// writes the page. Rows keep the order they arrived in; the same input gives the same bytes.
/// </para>
/// </summary>
public sealed class HtmlReportWriter : ITransferReportWriter
{
    private const string Csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
    private static readonly Severity[] SeveritiesDown = { Severity.Critical, Severity.High, Severity.Medium, Severity.Low, Severity.Informational };
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Stream _output;
    private readonly HtmlReportOptions _options;
    private readonly FileStream _findingSpool;
    private readonly StreamWriter _findingRows;
    private readonly FileStream _incidentSpool;
    private readonly StreamWriter _incidentRows;
    private bool _completed;

    // Aggregates.
    private readonly long[] _findingsBySeverity = new long[5];
    private readonly long[] _incidentsBySeverity = new long[5];
    private readonly SortedDictionary<string, long> _byProvider = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byResourceType = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _byKind = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _bySource = new(StringComparer.Ordinal);
    private long _untrackedSourceFindings;
    private long _attempts;
    private long _minTicks = long.MaxValue;
    private long _maxTicks = long.MinValue;

    private readonly Dictionary<string, GranteeRow> _grantees = new(StringComparer.Ordinal);
    private readonly GranteeRow _overflow;
    private long _overflowGrantees;

    private sealed class GranteeRow
    {
        public GranteeRow(string name, string type, long order, int capacity)
        {
            Name = name;
            Type = type;
            Order = order;
            Marks = new TimeMarks(capacity);
        }

        public string Name { get; }
        public string Type { get; }
        public long Order { get; }
        public long Count;
        public Severity Max;
        public TimeMarks Marks { get; }
    }

    public HtmlReportWriter(Stream output, HtmlReportOptions? options = null)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _options = options ?? new HtmlReportOptions();
        string dir = _options.TempDirectory ?? Path.GetTempPath();
        _findingSpool = Spool(dir);
        _incidentSpool = Spool(dir);
        _findingRows = new StreamWriter(_findingSpool, Utf8, 1 << 16, leaveOpen: true) { NewLine = "\n" };
        _incidentRows = new StreamWriter(_incidentSpool, Utf8, 1 << 16, leaveOpen: true) { NewLine = "\n" };
        _overflow = new GranteeRow("", "", long.MaxValue, Math.Max(4, _options.MaxMarksPerGrantee));
    }

    private static FileStream Spool(string dir) =>
        new(Path.Combine(dir, "transferdetect-report-" + Guid.NewGuid().ToString("N") + ".tmp"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);

    public long Written { get; private set; }

    public long IncidentsWritten { get; private set; }

    public void Write(Finding finding) => Write(finding, null);

    public void Write(TransferIncident incident)
    {
        if (incident == null) throw new ArgumentNullException(nameof(incident));
        ThrowIfCompleted();
        IncidentsWritten++;
        _incidentsBySeverity[SeverityIndex(incident.Severity)]++;
        Count(_byKind, incident.Kind.ToString());
        Widen(incident.Start);
        Widen(incident.End);

        var w = _incidentRows;
        w.Write("<tr class=\"");
        w.Write(SeverityClass(incident.Severity));
        w.Write("\">");
        Cell(w, incident.Severity.ToString(), "sev");
        Cell(w, incident.Kind.ToString());
        Cell(w, incident.Provider.ToString());
        Cell(w, incident.AccountId);
        Cell(w, JoinNonEmpty(incident.Grantee, "(" + incident.GranteeType + (incident.FirstSeenGrantee ? ", first seen" : "") + ")"));
        Cell(w, incident.Stages.ToString());
        Cell(w, Time(incident.Start), "time");
        Cell(w, Time(incident.End), "time");
        Cell(w, incident.OpenFor.HasValue ? Duration(incident.OpenFor.Value) + (incident.StillOpen ? " (still open)" : "") : incident.StillOpen ? "still open" : "");
        Cell(w, List(incident.Resources, 10));
        Cell(w, List(incident.SourceIps, 10));
        Cell(w, incident.Summary);
        Cell(w, incident.IncidentId, "id");
        w.Write("</tr>\n");

        foreach (var f in incident.Findings ?? Array.Empty<Finding>())
        {
            if (f != null) Write(f, incident.IncidentId);
        }
    }

    private void Write(Finding f, string? incidentId)
    {
        if (f == null) throw new ArgumentNullException(nameof(f));
        ThrowIfCompleted();
        Written++;
        _findingsBySeverity[SeverityIndex(f.Severity)]++;
        Count(_byProvider, f.Provider.ToString());
        Count(_byResourceType, f.ResourceType ?? "");
        if (!f.Succeeded) _attempts++;
        Widen(f.EventTime);
        string? file = f.Event.Source?.File;
        if (file != null)
        {
            if (_bySource.ContainsKey(file) || _bySource.Count < _options.MaxTrackedSources) Count(_bySource, file);
            else _untrackedSourceFindings++;
        }
        Track(f);

        var e = f.Event;
        var w = _findingRows;
        w.Write("<tr class=\"");
        w.Write(SeverityClass(f.Severity));
        w.Write("\">");
        Cell(w, f.Severity.ToString(), "sev");
        Cell(w, Time(f.EventTime), "time");
        Cell(w, f.Provider.ToString());
        Cell(w, f.Operation);
        Cell(w, JoinNonEmpty(f.ResourceType, f.ResourceId));
        Cell(w, JoinNonEmpty(f.Grantee, "(" + f.GranteeType + ")"));
        Cell(w, f.Actor);
        Cell(w, f.SourceIp);
        Cell(w, e.UserAgent);
        Cell(w, f.Succeeded ? "yes" : "no" + (string.IsNullOrEmpty(e.ErrorCode) ? "" : " (" + e.ErrorCode + ")"));
        Cell(w, f.Reason);
        Cell(w, incidentId, "id");
        Cell(w, f.EventId, "id");
        Cell(w, f.Source, "src");
        w.Write("</tr>\n");
    }

    private void Track(Finding f)
    {
        string name = f.Grantee ?? "";
        if (!_grantees.TryGetValue(name, out var row))
        {
            if (_grantees.Count >= _options.MaxTrackedGrantees)
            {
                _overflowGrantees++; // counts shares of untracked grantees, not distinct ones (that would need their names)
                Add(_overflow, f);
                return;
            }
            row = new GranteeRow(name, f.GranteeType.ToString(), _grantees.Count, Math.Max(4, _options.MaxMarksPerGrantee));
            _grantees.Add(name, row);
        }
        Add(row, f);
    }

    private static void Add(GranteeRow row, Finding f)
    {
        if (row.Count == 0 || f.Severity > row.Max) row.Max = f.Severity;
        row.Count++;
        row.Marks.Add(Utc(f.EventTime), f.Severity, attempt: !f.Succeeded);
    }

    /// <summary>Writes the page. Call once, after the last finding or incident.</summary>
    public void Complete()
    {
        ThrowIfCompleted();
        _completed = true;
        _findingRows.Flush();
        _incidentRows.Flush();
        var w = new StreamWriter(_output, Utf8, 1 << 16, leaveOpen: true) { NewLine = "\n" };
        string title = HtmlText.Encode(_options.Title);
        w.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        w.Write("<meta http-equiv=\"Content-Security-Policy\" content=\"" + Csp + "\">\n");
        w.Write("<meta name=\"referrer\" content=\"no-referrer\">\n");
        w.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        w.Write("<meta name=\"generator\" content=\"TransferDetect\">\n");
        w.Write("<link rel=\"icon\" href=\"data:,\">\n");
        w.Write("<title>" + title + "</title>\n");
        w.Write(Style);
        w.Write("</head>\n<body>\n<header><h1>" + title + "</h1>\n");
        w.Write("<p class=\"lede\">Shares of data to principals outside the trust zone (MITRE ATT&amp;CK T1537, Transfer Data to Cloud Account). Times are UTC. Every value from a log is shown as text.</p></header>\n");
        WriteSummary(w);
        WriteTimeline(w);
        w.Write("<section id=\"incidents\">\n<h2>Incidents (" + N(IncidentsWritten) + ")</h2>\n");
        if (IncidentsWritten == 0)
        {
            w.Write("<p class=\"empty\">No incidents in this report.</p>\n");
        }
        else
        {
            w.Write("<div class=\"scroll\"><table id=\"incident-table\">\n<thead><tr><th>Severity</th><th>Kind</th><th>Provider</th><th>Account</th><th>Grantee</th><th>Stages</th><th>Start</th><th>End</th><th>Open for</th><th>Resources</th><th>Source IPs</th><th>Summary</th><th>Incident</th></tr></thead>\n<tbody>\n");
            w.Flush();
            Copy(_incidentSpool, _output);
            w.Write("</tbody></table></div>\n");
        }
        w.Write("</section>\n");
        w.Write("<section id=\"findings\">\n<h2>Findings (" + N(Written) + ")</h2>\n");
        if (Written == 0)
        {
            w.Write("<p class=\"empty\">No findings in this report.</p>\n");
        }
        else
        {
            w.Write("<div class=\"scroll\"><table id=\"finding-table\">\n<thead><tr><th>Severity</th><th>Time</th><th>Provider</th><th>Operation</th><th>Resource</th><th>Grantee</th><th>Actor</th><th>Source IP</th><th>User agent</th><th>Succeeded</th><th>Reason</th><th>Incident</th><th>Event id</th><th>Source</th></tr></thead>\n<tbody>\n");
            w.Flush();
            Copy(_findingSpool, _output);
            w.Write("</tbody></table></div>\n");
        }
        w.Write("</section>\n<footer>Written by TransferDetect. This page holds no script and loads nothing from the network.</footer>\n</body>\n</html>\n");
        w.Flush();
        w.Dispose();
        _output.Flush();
    }

    private void WriteSummary(StreamWriter w)
    {
        w.Write("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
        w.Write("<div class=\"card\"><h3>Findings</h3><p class=\"big\" id=\"finding-count\">" + N(Written) + "</p>");
        w.Write("<p>" + N(Written - _attempts) + " succeeded, " + N(_attempts) + " failed attempt(s)</p></div>\n");
        w.Write("<div class=\"card\"><h3>Incidents</h3><p class=\"big\" id=\"incident-count\">" + N(IncidentsWritten) + "</p></div>\n");
        w.Write("<div class=\"card\"><h3>Time range (UTC)</h3>");
        if (_minTicks <= _maxTicks)
        {
            w.Write("<p>" + Time(new DateTime(_minTicks, DateTimeKind.Utc)) + "<br>to " + Time(new DateTime(_maxTicks, DateTimeKind.Utc)) + "</p>");
        }
        else
        {
            w.Write("<p>no events</p>");
        }
        w.Write("</div>\n<div class=\"card\"><h3>Grantees</h3><p class=\"big\">" + N(_grantees.Count) + (_overflowGrantees > 0 ? "+" : "") + "</p>");
        if (_overflowGrantees > 0) w.Write("<p>Only the first " + N(_options.MaxTrackedGrantees) + " are told apart; " + N(_overflowGrantees) + " share(s) to later ones are counted together.</p>");
        w.Write("</div>\n</div>\n<div class=\"cards\">\n");

        w.Write("<div class=\"card\"><h3>By severity</h3><table class=\"counts\" id=\"by-severity\"><thead><tr><th>Severity</th><th>Findings</th><th>Incidents</th></tr></thead><tbody>");
        foreach (var s in SeveritiesDown)
        {
            w.Write("<tr class=\"" + SeverityClass(s) + "\"><td class=\"sev\">" + s + "</td><td>" + N(_findingsBySeverity[SeverityIndex(s)]) + "</td><td>" + N(_incidentsBySeverity[SeverityIndex(s)]) + "</td></tr>");
        }
        w.Write("</tbody></table></div>\n");
        CountTable(w, "By provider", "Provider", "Findings", _byProvider.Select(p => (p.Key, p.Value)), 50);
        CountTable(w, "By resource type", "Resource type", "Findings", Top(_byResourceType), 15);
        CountTable(w, "Incidents by kind", "Kind", "Incidents", _byKind.Select(p => (p.Key, p.Value)), 50);
        w.Write("</div>\n");

        w.Write("<div class=\"card wide\"><h3>Input files</h3>");
        if (_bySource.Count == 0)
        {
            w.Write("<p>The findings name no input file.</p>");
        }
        else
        {
            w.Write("<table class=\"counts\" id=\"sources\"><thead><tr><th>File</th><th>Findings</th></tr></thead><tbody>");
            var top = Top(_bySource).ToList();
            foreach (var (file, count) in top.Take(20)) w.Write("<tr><td class=\"src\">" + HtmlText.Encode(file) + "</td><td>" + N(count) + "</td></tr>");
            w.Write("</tbody></table>");
            if (top.Count > 20) w.Write("<p>and " + N(top.Count - 20) + " more file(s) with " + N(top.Skip(20).Sum(t => t.Count)) + " finding(s).</p>");
            if (_untrackedSourceFindings > 0) w.Write("<p>" + N(_untrackedSourceFindings) + " finding(s) came from files beyond the first " + N(_options.MaxTrackedSources) + ", not listed.</p>");
        }
        w.Write("</div>\n</section>\n");
    }

    private static void CountTable(StreamWriter w, string title, string what, string unit, IEnumerable<(string Key, long Count)> rows, int max)
    {
        var list = rows.ToList();
        w.Write("<div class=\"card\"><h3>" + title + "</h3>");
        if (list.Count == 0)
        {
            w.Write("<p>none</p></div>\n");
            return;
        }
        w.Write("<table class=\"counts\"><thead><tr><th>" + what + "</th><th>" + unit + "</th></tr></thead><tbody>");
        foreach (var (key, count) in list.Take(max)) w.Write("<tr><td>" + HtmlText.Encode(key.Length == 0 ? "(none)" : key) + "</td><td>" + N(count) + "</td></tr>");
        if (list.Count > max) w.Write("<tr><td>" + N(list.Count - max) + " other(s)</td><td>" + N(list.Skip(max).Sum(t => t.Count)) + "</td></tr>");
        w.Write("</tbody></table></div>\n");
    }

    private static IEnumerable<(string Key, long Count)> Top(Dictionary<string, long> counts) =>
        counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value));

    // Timeline geometry (SVG user units).
    private const int LabelWidth = 280;
    private const int PlotWidth = 760;
    private const int RightPad = 60;
    private const int TopPad = 16;
    private const int RowHeight = 24;
    private const int AxisHeight = 58;

    private void WriteTimeline(StreamWriter w)
    {
        w.Write("<section id=\"timeline\">\n<h2>Shares per grantee</h2>\n");
        if (Written == 0)
        {
            w.Write("<p class=\"empty\">No findings: nothing to draw.</p>\n</section>\n");
            return;
        }
        int maxRows = Math.Max(1, _options.MaxChartGrantees);
        var ranked = _grantees.Values
            .OrderByDescending(g => g.Max).ThenByDescending(g => g.Count).ThenBy(g => g.Order).ToList();
        var shown = ranked.Take(maxRows).ToList();
        var rest = ranked.Skip(maxRows).ToList();
        GranteeRow? other = null;
        if (rest.Count > 0 || _overflow.Count > 0)
        {
            other = new GranteeRow("", "", long.MaxValue, Math.Max(4, _options.MaxMarksPerGrantee));
            foreach (var g in rest.Concat(new[] { _overflow }))
            {
                if (g.Count == 0) continue;
                if (other.Count == 0 || g.Max > other.Max) other.Max = g.Max;
                other.Count += g.Count;
                other.Marks.AddAll(g.Marks);
            }
        }
        var rows = new List<(GranteeRow Row, string Label, string Tip)>();
        foreach (var g in shown)
        {
            string name = g.Name.Length == 0 ? "(no grantee)" : g.Name;
            rows.Add((g, Shorten(name, 38), name + " (" + g.Type + "): " + N(g.Count) + " share(s), most severe " + g.Max));
        }
        if (other != null)
        {
            // Grantees beyond the tracked ones are not told apart, so their number is only known to be more.
            string label = _overflow.Count == 0 ? N(rest.Count) + " other grantee(s)"
                : rest.Count > 0 ? N(rest.Count) + "+ other grantee(s)"
                : "later grantee(s)";
            rows.Add((other, label, label + ": " + N(other.Count) + " share(s), most severe " + other.Max));
        }

        long min = _grantees.Values.Concat(new[] { _overflow }).SelectMany(g => g.Marks.Marks()).Min(m => m.FirstTicks);
        long max = _grantees.Values.Concat(new[] { _overflow }).SelectMany(g => g.Marks.Marks()).Max(m => m.LastTicks);
        var (start, end, step, format) = Axis(min, max);

        int height = TopPad + rows.Count * RowHeight + AxisHeight;
        int width = LabelWidth + PlotWidth + RightPad;
        long marks = 0;
        w.Write("<svg id=\"timeline-chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"timeline-title\" viewBox=\"0 0 " + width + " " + height + "\" width=\"" + width + "\" height=\"" + height + "\">\n");
        w.Write("<title id=\"timeline-title\">Shares per grantee over time, one mark per share, coloured by severity</title>\n");
        // Rows.
        for (int i = 0; i < rows.Count; i++)
        {
            int y = TopPad + i * RowHeight;
            w.Write("<g class=\"row\">");
            w.Write("<rect class=\"" + (i % 2 == 0 ? "band" : "band odd") + "\" x=\"0\" y=\"" + y + "\" width=\"" + width + "\" height=\"" + RowHeight + "\"/>");
            w.Write("<text class=\"grantee\" x=\"" + (LabelWidth - 8) + "\" y=\"" + (y + RowHeight / 2 + 4) + "\" text-anchor=\"end\"><title>" + HtmlText.Encode(rows[i].Tip) + "</title>" + HtmlText.Encode(rows[i].Label) + "</text>");
            w.Write("</g>\n");
        }
        // Axis and grid.
        int axisY = TopPad + rows.Count * RowHeight;
        w.Write("<g class=\"axis\">");
        w.Write("<line x1=\"" + LabelWidth + "\" y1=\"" + axisY + "\" x2=\"" + (LabelWidth + PlotWidth) + "\" y2=\"" + axisY + "\"/>");
        for (long t = start; t <= end; t += step)
        {
            string x = X(t, start, end);
            w.Write("<line class=\"grid\" x1=\"" + x + "\" y1=\"" + TopPad + "\" x2=\"" + x + "\" y2=\"" + (axisY + 5) + "\"/>");
            w.Write("<text class=\"tick\" x=\"" + x + "\" y=\"" + (axisY + 18) + "\" text-anchor=\"middle\">" + new DateTime(t, DateTimeKind.Utc).ToString(format, CultureInfo.InvariantCulture) + "</text>");
        }
        w.Write("<text class=\"axis-title\" x=\"" + (LabelWidth + PlotWidth / 2) + "\" y=\"" + (axisY + 38) + "\" text-anchor=\"middle\">time (UTC)</text>");
        w.Write("</g>\n");
        // Marks.
        for (int i = 0; i < rows.Count; i++)
        {
            double cy = TopPad + i * RowHeight + RowHeight / 2.0;
            w.Write("<g class=\"marks\">");
            foreach (var m in rows[i].Row.Marks.Marks())
            {
                marks++;
                long mid = m.FirstTicks + (m.LastTicks - m.FirstTicks) / 2;
                double r = m.Count == 1 ? 5 : 5 + Math.Min(5, Math.Log(m.Count, 2));
                string who = rows[i].Row == other ? rows[i].Label : rows[i].Row.Name.Length == 0 ? "(no grantee)" : rows[i].Row.Name;
                string what = m.Attempt ? (m.Count == 1 ? "failed attempt" : "failed attempts") : (m.Count == 1 ? "share" : "shares");
                string tip = m.Count == 1
                    ? m.Severity + " " + what + " at " + Time(new DateTime(m.FirstTicks, DateTimeKind.Utc)) + " to " + who
                    : N(m.Count) + " " + m.Severity + " " + what + " from " + Time(new DateTime(m.FirstTicks, DateTimeKind.Utc)) + " to " + Time(new DateTime(m.LastTicks, DateTimeKind.Utc)) + ", to " + who;
                w.Write("<circle class=\"mark " + SeverityClass(m.Severity) + (m.Attempt ? " attempt" : "") + "\" cx=\"" + X(mid, start, end) + "\" cy=\"" + F(cy) + "\" r=\"" + F(r) + "\"><title>" + HtmlText.Encode(tip) + "</title></circle>");
            }
            w.Write("</g>\n");
        }
        w.Write("</svg>\n");
        // Legend and how the chart summarises.
        w.Write("<p class=\"legend\">");
        foreach (var s in SeveritiesDown) w.Write("<span class=\"key " + SeverityClass(s) + "\"></span>" + s + " ");
        w.Write("<span class=\"key attempt\"></span>failed attempt (hollow) ");
        w.Write("</p>\n<p class=\"note\" id=\"timeline-note\">" + N(marks) + " mark(s) for " + N(Written) + " share(s). One row per grantee: the " + N(maxRows) +
                " with the most severe, then the most, shares; any others share the last row. A row keeps one mark per share up to " + N(Math.Max(4, _options.MaxMarksPerGrantee)) +
                "; beyond that, shares of one severity close in time are drawn as one larger mark whose tooltip gives their number and time span.</p>\n");
        w.Write("</section>\n");
    }

    /// <summary>A time axis: start and end aligned to a round step, at most 7 ticks.</summary>
    private static (long Start, long End, long Step, string Format) Axis(long min, long max)
    {
        long[] steps =
        {
            TimeSpan.TicksPerSecond, 5 * TimeSpan.TicksPerSecond, 15 * TimeSpan.TicksPerSecond, 30 * TimeSpan.TicksPerSecond,
            TimeSpan.TicksPerMinute, 5 * TimeSpan.TicksPerMinute, 15 * TimeSpan.TicksPerMinute, 30 * TimeSpan.TicksPerMinute,
            TimeSpan.TicksPerHour, 2 * TimeSpan.TicksPerHour, 3 * TimeSpan.TicksPerHour, 6 * TimeSpan.TicksPerHour, 12 * TimeSpan.TicksPerHour,
            TimeSpan.TicksPerDay, 2 * TimeSpan.TicksPerDay, 7 * TimeSpan.TicksPerDay, 14 * TimeSpan.TicksPerDay, 30 * TimeSpan.TicksPerDay,
            91 * TimeSpan.TicksPerDay, 365 * TimeSpan.TicksPerDay,
        };
        long step = steps[steps.Length - 1];
        foreach (long s in steps)
        {
            long a = Floor(min, s), b = Ceil(max, s);
            if (b == a) b = a + s;
            if ((b - a) / s <= 6)
            {
                step = s;
                break;
            }
        }
        long start = Floor(min, step), end = Ceil(max, step);
        if (end == start) end = start + step;
        while ((end - start) / step > 6) step *= 2; // beyond a year
        start = Floor(min, step);
        end = Math.Max(Ceil(max, step), start + step);
        string format = step < TimeSpan.TicksPerMinute ? "MM-dd HH:mm:ss" : step < TimeSpan.TicksPerDay ? "MM-dd HH:mm" : "yyyy-MM-dd";
        return (start, end, step, format);
    }

    private static long Floor(long t, long step) => t - (t % step);

    private static long Ceil(long t, long step) => t % step == 0 ? t : t - (t % step) + step;

    private static string X(long t, long start, long end) => F(LabelWidth + (double)(t - start) / (end - start) * PlotWidth);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private void Widen(DateTime time)
    {
        if (time == default) return; // an incident built without times
        long t = Utc(time).Ticks;
        if (t < _minTicks) _minTicks = t;
        if (t > _maxTicks) _maxTicks = t;
    }

    private static DateTime Utc(DateTime t) => t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : DateTime.SpecifyKind(t, DateTimeKind.Utc);

    private static string Time(DateTime t) => Utc(t).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>1 d 2 h, 1 h 4 min, 12 min 5 s, 40 s.</summary>
    internal static string Duration(TimeSpan d)
    {
        if (d < TimeSpan.Zero) d = d.Negate();
        if (d.TotalDays >= 1) return $"{(int)d.TotalDays} d {d.Hours} h";
        if (d.TotalHours >= 1) return $"{d.Hours} h {d.Minutes} min";
        if (d.TotalMinutes >= 1) return $"{d.Minutes} min {d.Seconds} s";
        return $"{d.Seconds} s";
    }

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string s, int max) => s.Length <= max ? s : s.Substring(0, max - 1) + "\u2026";

    private static string? JoinNonEmpty(string? a, string? b) =>
        string.IsNullOrEmpty(a) ? b : string.IsNullOrEmpty(b) ? a : a + " " + b;

    private static string List(IReadOnlyList<string> items, int max)
    {
        if (items == null || items.Count == 0) return "";
        var sb = new StringBuilder();
        for (int i = 0; i < items.Count && i < max; i++)
        {
            if (i > 0) sb.Append('\n');
            sb.Append(items[i]);
        }
        if (items.Count > max) sb.Append('\n').Append("and ").Append(N(items.Count - max)).Append(" more");
        return sb.ToString();
    }

    private static void Cell(StreamWriter w, string? text, string? cls = null)
    {
        w.Write(cls == null ? "<td>" : "<td class=\"" + cls + "\">");
        HtmlText.Write(w, text);
        w.Write("</td>");
    }

    private static void Count<TKey>(IDictionary<TKey, long> counts, TKey key)
    {
        counts.TryGetValue(key, out long n);
        counts[key] = n + 1;
    }

    private static int SeverityIndex(Severity s) => Math.Max(0, Math.Min(4, (int)s));

    private static string SeverityClass(Severity s) => "sev-" + s.ToString().ToLowerInvariant();

    private static void Copy(Stream spool, Stream output)
    {
        spool.Flush();
        spool.Position = 0;
        spool.CopyTo(output, 1 << 16);
    }

    private void ThrowIfCompleted()
    {
        if (_completed) throw new InvalidOperationException("The HTML report is complete; nothing can be added to it.");
    }

    public void Dispose()
    {
        _findingRows.Dispose();
        _incidentRows.Dispose();
        _findingSpool.Dispose();
        _incidentSpool.Dispose();
    }

    private const string Style = @"<style>
:root { --critical: #b00020; --high: #e0531f; --medium: #e6a100; --low: #3b7dc4; --informational: #8a8a8a; }
body { font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 1.5em; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.6em; margin: 0 0 .2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; } h3 { margin: 0 0 .4em; font-size: 1em; }
.lede, .note, footer { color: #555; } footer { margin-top: 2em; font-size: .9em; }
.cards { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 12px; margin-bottom: 12px; }
#sources td.src { max-width: 70em; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 160px; }
.card.wide { max-width: 100%; } .big { font-size: 1.8em; font-weight: 600; margin: 0; }
table { border-collapse: collapse; } th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f4f4f6; position: sticky; top: 0; }
td { white-space: pre-wrap; overflow-wrap: break-word; min-width: 4em; max-width: 26em; unicode-bidi: isolate; }
td.time { white-space: nowrap; } td.id, td.src { font: 12px ui-monospace, Menlo, Consolas, monospace; color: #444; }
.scroll { overflow-x: auto; }
td.sev { font-weight: 600; white-space: nowrap; border-left: 6px solid #ccc; }
tr.sev-critical td.sev { border-left-color: var(--critical); } tr.sev-high td.sev { border-left-color: var(--high); }
tr.sev-medium td.sev { border-left-color: var(--medium); } tr.sev-low td.sev { border-left-color: var(--low); }
tr.sev-informational td.sev { border-left-color: var(--informational); }
svg .band { fill: #fff; } svg .band.odd { fill: #f6f7f9; }
svg text { font: 12px system-ui, sans-serif; fill: #1d1d1f; } svg .tick { font-size: 11px; fill: #555; } svg .axis-title { fill: #555; }
svg .axis line { stroke: #999; } svg .axis line.grid { stroke: #e2e2e2; }
svg .mark { stroke: #fff; stroke-width: 1; fill-opacity: .9; }
.sev-critical.mark, .key.sev-critical { fill: var(--critical); background: var(--critical); }
.sev-high.mark, .key.sev-high { fill: var(--high); background: var(--high); }
.sev-medium.mark, .key.sev-medium { fill: var(--medium); background: var(--medium); }
.sev-low.mark, .key.sev-low { fill: var(--low); background: var(--low); }
.sev-informational.mark, .key.sev-informational { fill: var(--informational); background: var(--informational); }
svg .mark.attempt { fill: #fff; stroke-width: 2; }
svg .mark.attempt.sev-critical { stroke: var(--critical); } svg .mark.attempt.sev-high { stroke: var(--high); } svg .mark.attempt.sev-medium { stroke: var(--medium); }
svg .mark.attempt.sev-low { stroke: var(--low); } svg .mark.attempt.sev-informational { stroke: var(--informational); }
.key.attempt { background: #fff; border: 2px solid #666; width: 7px; height: 7px; }
.key { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 4px 0 10px; }
</style>
";
}
