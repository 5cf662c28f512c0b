using System;
using System.Globalization;
using System.IO;
using System.Text;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Reports;

/// <summary>
/// Writes findings as CSV (RFC 4180): a header line, then one row per finding, CRLF line ends, UTF-8
/// with a byte order mark so Excel reads it as UTF-8. The columns are the finding record's fields, then
/// UserAgent, Region, Permission, Details, ErrorCode and IncidentId (the incident a finding came with).
/// <para>
/// Spreadsheet safety: a value whose first character, after any leading whitespace, is = + - @ tab or
/// CR would be read as a formula by Excel or LibreOffice (CSV injection); it is written with a single
/// quote in front ('=HYPERLINK(...)), which makes the cell text. Every value that holds a comma, a quote,
/// CR or LF is quoted, quotes doubled. A null value is an empty field.
/// </para>
/// </summary>
public sealed class CsvReportWriter : ITransferReportWriter
{
    private static readonly byte[] Bom = { 0xEF, 0xBB, 0xBF };

    /// <summary>The columns, in order.</summary>
    public static readonly string[] Columns =
    {
        "EventId", "Provider", "Operation", "EventTime", "Actor", "SourceIp", "AccountId", "ResourceType",
        "ResourceId", "Grantee", "GranteeType", "Succeeded", "Severity", "Reason", "Source",
        "UserAgent", "Region", "Permission", "Details", "ErrorCode", "IncidentId",
    };

    private readonly StreamWriter _writer;
    private readonly string?[] _row = new string?[Columns.Length];

    /// <param name="stream">Where the CSV goes.</param>
    /// <param name="writeHeader">
    /// Write the byte order mark and the header line; false to add rows to a file that has them
    /// (-Append to a non-empty file).
    /// </param>
    public CsvReportWriter(Stream stream, bool writeHeader = true)
    {
        if (stream == null) throw new ArgumentNullException(nameof(stream));
        if (writeHeader) stream.Write(Bom, 0, Bom.Length);
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        if (writeHeader)
        {
            for (int i = 0; i < Columns.Length; i++) _row[i] = Columns[i];
            WriteRow();
        }
    }

    public long Written { get; private set; }

    public long IncidentsWritten { get; private set; }

    public void Write(Finding finding) => Write(finding, null);

    public void Write(TransferIncident incident)
    {
        if (incident == null) throw new ArgumentNullException(nameof(incident));
        foreach (var f in incident.Findings ?? Array.Empty<Finding>())
        {
            if (f != null) Write(f, incident.IncidentId);
        }
        IncidentsWritten++;
    }

    private void Write(Finding f, string? incidentId)
    {
        if (f == null) throw new ArgumentNullException(nameof(f));
        var e = f.Event;
        int i = 0;
        _row[i++] = f.EventId;
        _row[i++] = f.Provider.ToString();
        _row[i++] = f.Operation;
        _row[i++] = FindingRecord.FormatTime(f.EventTime);
        _row[i++] = f.Actor;
        _row[i++] = f.SourceIp;
        _row[i++] = f.AccountId;
        _row[i++] = f.ResourceType;
        _row[i++] = f.ResourceId;
        _row[i++] = f.Grantee;
        _row[i++] = f.GranteeType.ToString();
        _row[i++] = f.Succeeded ? "True" : "False";
        _row[i++] = f.Severity.ToString();
        _row[i++] = f.Reason;
        _row[i++] = f.Source;
        _row[i++] = e.UserAgent;
        _row[i++] = e.Region;
        _row[i++] = e.Permission;
        _row[i++] = e.Details;
        _row[i++] = e.ErrorCode;
        _row[i++] = incidentId;
        WriteRow();
        Written++;
    }

    private void WriteRow()
    {
        for (int i = 0; i < _row.Length; i++)
        {
            if (i > 0) _writer.Write(',');
            _writer.Write(Field(_row[i]));
        }
        _writer.WriteLine();
    }

    /// <summary>
    /// One value as a CSV field: neutralised when a spreadsheet would take it for a formula (see the
    /// class remarks), quoted when it holds a comma, quote, CR or LF; null and empty give an empty field.
    /// </summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        string v = IsFormulaLike(value!) ? "'" + value : value!;
        bool quote = false;
        foreach (char c in v)
        {
            if (c == ',' || c == '"' || c == '\r' || c == '\n')
            {
                quote = true;
                break;
            }
        }
        return quote ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
    }

    /// <summary>
    /// True when a spreadsheet could evaluate the value: its first character is = + - @ tab or CR, or it
    /// is one of them after leading spaces or line breaks (some spreadsheets trim those before parsing).
    /// </summary>
    public static bool IsFormulaLike(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '=':
                case '+':
                case '-':
                case '@':
                case '\t':
                case '\r':
                    return true;
                case ' ':
                case '\n':
                case '\u00A0':
                    continue;
                default:
                    return false;
            }
        }
        return false;
    }

    public void Complete() => _writer.Flush();

    /// <summary>Flushes; the stream stays open (its owner closes it).</summary>
    public void Dispose() => _writer.Dispose();
}
