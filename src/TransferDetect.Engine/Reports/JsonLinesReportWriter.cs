using System;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using TransferDetect.Engine.Model;

namespace TransferDetect.Engine.Reports;

/// <summary>
/// Writes findings as JSON lines, one object per line, with the finding record's field names.
/// Strings are escaped by System.Text.Json's default encoder, so log content cannot break a line
/// or smuggle markup into a viewer. An incident is written as its findings (the record has no incident
/// fields, so the lines stay one shape).
/// </summary>
public sealed class JsonLinesReportWriter : ITransferReportWriter
{
    private static readonly byte[] NewLine = { (byte)'\n' };
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _writer;

    public JsonLinesReportWriter(Stream stream)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _writer = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.Default, SkipValidation = false });
    }

    public long Written { get; private set; }

    public long IncidentsWritten { get; private set; }

    public void Write(TransferIncident incident)
    {
        if (incident == null) throw new ArgumentNullException(nameof(incident));
        foreach (var f in incident.Findings ?? Array.Empty<Finding>())
        {
            if (f != null) Write(f);
        }
        IncidentsWritten++;
    }

    public void Complete()
    {
        _writer.Flush();
        _stream.Flush();
    }

    public void Write(Finding f)
    {
        var w = _writer;
        w.WriteStartObject();
        w.WriteString("EventId", f.EventId);
        w.WriteString("Provider", f.Provider.ToString());
        w.WriteString("Operation", f.Operation);
        w.WriteString("EventTime", FindingRecord.FormatTime(f.EventTime));
        w.WriteString("Actor", f.Actor);
        w.WriteString("SourceIp", f.SourceIp);
        w.WriteString("AccountId", f.AccountId);
        w.WriteString("ResourceType", f.ResourceType);
        w.WriteString("ResourceId", f.ResourceId);
        w.WriteString("Grantee", f.Grantee);
        w.WriteString("GranteeType", f.GranteeType.ToString());
        w.WriteBoolean("Succeeded", f.Succeeded);
        w.WriteString("Severity", f.Severity.ToString());
        w.WriteString("Reason", f.Reason);
        w.WriteString("Source", f.Source);
        w.WriteEndObject();
        w.Flush();
        w.Reset();
        _stream.Write(NewLine, 0, 1);
        Written++;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Flush();
    }
}
