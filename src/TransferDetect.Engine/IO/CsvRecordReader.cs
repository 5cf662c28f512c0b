using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using TransferDetect.Engine.Hosting;

namespace TransferDetect.Engine.IO;

/// <summary>
/// Streams a CSV export (RFC 4180: quoted fields with doubled quotes and line breaks inside; a comma,
/// tab or semicolon delimiter chosen from the header line; a UTF-8 BOM) into records: one JSON object
/// per row, keyed by the header's column names, every value a string. The providers' interpreters
/// read those objects as they read JSON exports (Purview's AuditData column stays a JSON string, as in
/// Search-UnifiedAuditLog output). One row is in memory at a time.
/// </summary>
internal sealed class CsvRecordReader
{
    private const int ChunkSize = 1 << 16;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    /// <summary>
    /// Quotes written \" rather than \u0022 (the default encoder's HTML-safe form): the claims read an
    /// AuditData or Properties_d string's operation from its bytes only when no \u escape is there.
    /// </summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly Stream _stream;
    private readonly string _file;
    private readonly int _maxRecordBytes;
    private readonly Action<ReadIssue> _report;

    private readonly byte[] _chunk = new byte[ChunkSize];
    private int _pos;
    private int _end;
    private long _base;
    private bool _eof;

    private byte[] _field = new byte[4096];
    private int _fieldLength;
    private readonly List<(int Start, int Length)> _fields = new();
    private byte _delimiter = (byte)',';
    private long _line = 1;

    public CsvRecordReader(Stream stream, string file, int maxRecordBytes, Action<ReadIssue> report)
    {
        _stream = stream;
        _file = file;
        _maxRecordBytes = Math.Max(1024, maxRecordBytes);
        _report = report;
    }

    /// <summary>Rows handed out so far.</summary>
    public long RecordCount { get; private set; }

    /// <summary>Bytes of text read so far.</summary>
    public long BytesRead => _base + _end;

    /// <summary>Rows not handed out because they were broken (unterminated quote, wrong number of fields, oversized, not UTF-8).</summary>
    public long BrokenRecords { get; private set; }

    /// <summary>True when the stream failed (truncated or damaged) and the file was not read to its end.</summary>
    public bool StreamFailed { get; private set; }

    /// <summary>The column names of the header line.</summary>
    public IReadOnlyList<string> Columns { get; private set; } = Array.Empty<string>();

    public IEnumerable<RawRecord> Records(CancellationToken cancellationToken)
    {
        Fill();
        if (_end - _pos >= 3 && _chunk[_pos] == 0xEF && _chunk[_pos + 1] == 0xBB && _chunk[_pos + 2] == 0xBF) _pos += 3;
        if (StartsWithTypeLine(_chunk, _pos, _end))
        {
            // Windows PowerShell's Export-Csv writes "#TYPE <type name>" before the header unless told not to.
            while (_pos < _end && _chunk[_pos] != (byte)'\n') _pos++;
            if (_pos < _end)
            {
                _pos++;
                _line++;
            }
        }
        _delimiter = ChooseDelimiter();
        var header = ReadRow(out long headerLine, out _, out bool headerComplete, out bool headerOversized);
        if (header == 0 || !headerComplete || headerOversized)
        {
            _report(new ReadIssue(headerOversized ? ReadIssueKind.OversizedRecord : ReadIssueKind.NotJson, _file,
                header == 0 ? "the CSV file has no header line" : "the CSV header line is not complete", headerLine, 0, 0));
            yield break;
        }
        var names = new string[_fields.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            string name = Encoding.UTF8.GetString(_field, _fields[i].Start, _fields[i].Length).Trim();
            if (name.Length == 0) name = "Column" + (i + 1);
            string unique = name;
            for (int n = 2; !seen.Add(unique); n++) unique = name + "_" + n;
            names[i] = unique;
        }
        Columns = names;
        var encodedNames = Array.ConvertAll(names, n => JsonEncodedText.Encode(n, WriterOptions.Encoder));
#if NET8_0_OR_GREATER
        // One writer and one buffer for every row: reset, not cleared (a new writer per row zeroed its buffer each time).
        var output = new ArrayBufferWriter<byte>(8192);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
#else
        var output = new MemoryStream(8192);
#endif
        long number = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = ReadRow(out long line, out long offset, out bool complete, out bool oversized);
            if (count == 0 && complete) yield break; // end of file
            if (StreamFailed) yield break; // reported by Fill: the row was cut by the damaged stream
            number++;
            if (oversized)
            {
                BrokenRecords++;
                _report(new ReadIssue(ReadIssueKind.OversizedRecord, _file, $"the CSV row is larger than {_maxRecordBytes:N0} bytes; it was skipped", line, offset, number));
                continue;
            }
            if (!complete)
            {
                BrokenRecords++;
                _report(new ReadIssue(ReadIssueKind.Truncated, _file, "the file ends inside a quoted CSV field: the last row is cut off", line, offset, number));
                yield break;
            }
            if (count == 1 && _fields[0].Length == 0)
            {
                number--; // a blank line
                continue;
            }
            if (count != names.Length)
            {
                BrokenRecords++;
                _report(new ReadIssue(ReadIssueKind.InvalidRecord, _file, $"the CSV row has {count} field(s) where the header has {names.Length}; it was skipped", line, offset, number));
                continue;
            }
#if NET8_0_OR_GREATER
            output.ResetWrittenCount();
            writer.Reset(output);
            bool valid = WriteRow(writer, encodedNames, count);
            if (valid) writer.Flush();
#else
            output.SetLength(0);
            bool valid;
            using (var rowWriter = new Utf8JsonWriter(output, WriterOptions))
            {
                valid = WriteRow(rowWriter, encodedNames, count);
            }
#endif
            if (!valid)
            {
                BrokenRecords++;
                _report(new ReadIssue(ReadIssueKind.InvalidRecord, _file, "the CSV row holds text that is not valid UTF-8; it was skipped", line, offset, number));
                continue;
            }
            RecordCount++;
#if NET8_0_OR_GREATER
            yield return new RawRecord(output.WrittenMemory, number, line, offset);
#else
            yield return new RawRecord(new ReadOnlyMemory<byte>(output.GetBuffer(), 0, (int)output.Length), number, line, offset);
#endif
        }
    }

    /// <summary>The row as one JSON object of strings; false when a field is not UTF-8 (the object is then left unfinished).</summary>
    private bool WriteRow(Utf8JsonWriter writer, JsonEncodedText[] encodedNames, int count)
    {
        writer.WriteStartObject();
        for (int i = 0; i < count; i++)
        {
            try
            {
                StrictUtf8.GetCharCount(_field, _fields[i].Start, _fields[i].Length);
                writer.WriteString(encodedNames[i], new ReadOnlySpan<byte>(_field, _fields[i].Start, _fields[i].Length));
            }
            catch (Exception e) when (e is ArgumentException || e is DecoderFallbackException)
            {
                return false;
            }
        }
        writer.WriteEndObject();
        return true;
    }

    /// <summary>Does the text at <paramref name="start"/> begin with Export-Csv's <c>#TYPE </c> line?</summary>
    internal static bool StartsWithTypeLine(byte[] text, int start, int end) =>
        end - start >= 6 && text[start] == (byte)'#' && text[start + 1] == (byte)'T' && text[start + 2] == (byte)'Y' &&
        text[start + 3] == (byte)'P' && text[start + 4] == (byte)'E' && text[start + 5] == (byte)' ';

    /// <summary>The delimiter of the header line: the most frequent of comma, tab and semicolon outside quotes.</summary>
    private byte ChooseDelimiter()
    {
        int comma = 0, tab = 0, semicolon = 0;
        bool quoted = false;
        for (int i = _pos; i < _end; i++)
        {
            byte b = _chunk[i];
            if (b == (byte)'"') quoted = !quoted;
            else if (quoted) continue;
            else if (b == (byte)'\n') break;
            else if (b == (byte)',') comma++;
            else if (b == (byte)'\t') tab++;
            else if (b == (byte)';') semicolon++;
        }
        if (tab > comma && tab >= semicolon) return (byte)'\t';
        if (semicolon > comma && semicolon > tab) return (byte)';';
        return (byte)',';
    }

    /// <summary>
    /// Reads one row into <see cref="_fields"/>; returns the number of fields (0 at the end of the file).
    /// <paramref name="complete"/> is false when the file ends inside a quoted field.
    /// </summary>
    private int ReadRow(out long line, out long offset, out bool complete, out bool oversized)
    {
        _fields.Clear();
        _fieldLength = 0;
        line = _line;
        offset = _base + _pos;
        complete = true;
        oversized = false;
        if (_pos >= _end && !Fill()) return 0;
        int fieldStart = 0;
        bool quoted = false;
        bool afterQuote = false;
        while (true)
        {
            if (_pos >= _end && !Fill())
            {
                if (quoted) complete = false;
                _fields.Add((fieldStart, _fieldLength - fieldStart));
                return _fields.Count;
            }
            // Runs of ordinary bytes are copied at once; the byte-by-byte code below handles what ends them.
            var rest = new ReadOnlySpan<byte>(_chunk, _pos, _end - _pos);
            if (quoted)
            {
                int run = rest.IndexOf((byte)'"');
                if (run != 0)
                {
                    if (run < 0) run = rest.Length;
                    _line += CountLineFeeds(rest.Slice(0, run));
                    AppendRange(rest.Slice(0, run), ref oversized);
                    _pos += run;
                    continue;
                }
            }
            else if (!afterQuote)
            {
                int run = rest.IndexOfAny(_delimiter, (byte)'\n', (byte)'"');
                if (run != 0)
                {
                    if (run < 0) run = rest.Length;
                    AppendRange(rest.Slice(0, run), ref oversized);
                    _pos += run;
                    continue;
                }
            }
            byte b = _chunk[_pos++];
            if (quoted)
            {
                if (b == (byte)'"')
                {
                    if (_pos >= _end) Fill();
                    if (_pos < _end && _chunk[_pos] == (byte)'"')
                    {
                        _pos++;
                        Append(b, ref oversized);
                    }
                    else
                    {
                        quoted = false;
                        afterQuote = true;
                    }
                }
                else
                {
                    if (b == (byte)'\n') _line++;
                    Append(b, ref oversized);
                }
                continue;
            }
            if (b == _delimiter)
            {
                _fields.Add((fieldStart, _fieldLength - fieldStart));
                fieldStart = _fieldLength;
                afterQuote = false;
            }
            else if (b == (byte)'\n')
            {
                _line++;
                int length = _fieldLength - fieldStart;
                if (length > 0 && _field[_fieldLength - 1] == (byte)'\r' && !afterQuote) length--;
                _fields.Add((fieldStart, length));
                return _fields.Count;
            }
            else if (b == (byte)'"' && _fieldLength == fieldStart && !afterQuote)
            {
                quoted = true;
            }
            else if (b == (byte)'\r' && afterQuote)
            {
                // CR of a CRLF after a closing quote.
            }
            else
            {
                Append(b, ref oversized);
            }
        }
    }

    private void AppendRange(ReadOnlySpan<byte> bytes, ref bool oversized)
    {
        int n = bytes.Length;
        int room = _maxRecordBytes - _fieldLength;
        if (n > room)
        {
            oversized = true;
            n = Math.Max(0, room);
        }
        if (_fieldLength + n > _field.Length)
        {
            int size = _field.Length;
            while (size < _fieldLength + n) size *= 2;
            Array.Resize(ref _field, Math.Min(size, _maxRecordBytes + 1));
        }
        bytes.Slice(0, n).CopyTo(new Span<byte>(_field, _fieldLength, n));
        _fieldLength += n;
    }

    private static int CountLineFeeds(ReadOnlySpan<byte> bytes)
    {
#if NET8_0_OR_GREATER
        return bytes.Count((byte)'\n');
#else
        int count = 0;
        foreach (byte b in bytes)
        {
            if (b == (byte)'\n') count++;
        }
        return count;
#endif
    }

    private void Append(byte b, ref bool oversized)
    {
        if (_fieldLength >= _maxRecordBytes)
        {
            oversized = true;
            return;
        }
        if (_fieldLength == _field.Length) Array.Resize(ref _field, Math.Min(_field.Length * 2, _maxRecordBytes + 1));
        _field[_fieldLength++] = b;
    }

    private bool Fill()
    {
        if (_eof) return false;
        _base += _end;
        _pos = 0;
        _end = 0;
        int n;
        try
        {
            n = _stream.Read(_chunk, 0, _chunk.Length);
        }
        catch (InputFormatException e)
        {
            _eof = true;
            StreamFailed = true;
            _report(new ReadIssue(e.Kind, _file, e.Message + "; the row being read is lost", _line, _base, null));
            return false;
        }
        if (n <= 0)
        {
            _eof = true;
            return false;
        }
        _end = n;
        return true;
    }
}
