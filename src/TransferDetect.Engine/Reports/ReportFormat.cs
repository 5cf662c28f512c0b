using System;
using System.IO;

namespace TransferDetect.Engine.Reports;

/// <summary>The file formats of a transfer report.</summary>
public enum ReportFormat
{
    /// <summary>One JSON object per finding per line (the finding record).</summary>
    JsonLines,

    /// <summary>RFC 4180 CSV, UTF-8 with a byte order mark, safe to open in a spreadsheet.</summary>
    Csv,

    /// <summary>One self-contained HTML page: summary, timeline chart, incidents and findings.</summary>
    Html,
}

/// <summary>Choosing a format from a file name.</summary>
public static class ReportFormats
{
    /// <summary>
    /// The format a file name's extension names: .csv is Csv, .html and .htm are Html, .jsonl, .ndjson
    /// and .json are JsonLines; null for any other extension (the caller picks its default).
    /// </summary>
    public static ReportFormat? FromPath(string path)
    {
        string ext = Path.GetExtension(path ?? "");
        if (ext.Equals(".csv", StringComparison.OrdinalIgnoreCase)) return ReportFormat.Csv;
        if (ext.Equals(".html", StringComparison.OrdinalIgnoreCase) || ext.Equals(".htm", StringComparison.OrdinalIgnoreCase)) return ReportFormat.Html;
        if (ext.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || ext.Equals(".ndjson", StringComparison.OrdinalIgnoreCase) || ext.Equals(".json", StringComparison.OrdinalIgnoreCase)) return ReportFormat.JsonLines;
        return null;
    }
}
