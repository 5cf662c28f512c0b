using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
#if NET8_0_OR_GREATER
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
#endif
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
    /// <summary>What one read asks of the stream: zlib inflates 7 to 12% slower into 64 KB reads than into 128 KB or more
    /// (bench inflate-buffers), and a pooled array costs nothing per file.</summary>
    internal const int ChunkSize = 1 << 18;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly Stream _stream;
    private readonly string _file;
    private readonly int _maxRecordBytes;
    private readonly Action<ReadIssue> _report;

    private byte[] _chunk = Array.Empty<byte>();
    private int _pos;
    private int _end;
    private long _base;
    private bool _eof;

    private byte[] _field = new byte[4096];
    private byte[] _row = new byte[4096];
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

    /// <summary>Copy quoted JSON fields 32 bytes a step where the machine can (net8.0); false keeps to the byte-run code, which the tests compare it with.</summary>
    internal bool Vectorized { get; init; } = true;

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
        _chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            foreach (var record in ReadRecords(cancellationToken)) yield return record;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = Array.Empty<byte>();
        }
    }

    private IEnumerable<RawRecord> ReadRecords(CancellationToken cancellationToken)
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
        var header = ReadRow(json: false, out long headerLine, out _, out bool headerComplete, out bool headerOversized);
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
        // Each column's `"name":` once; a row is then its fields' text, already escaped for JSON by ReadRow, between them.
        var prefixes = Array.ConvertAll(names, n => Encoding.UTF8.GetBytes("\"" + JsonEncodedText.Encode(n, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\":"));
        long number = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = ReadRow(json: true, out long line, out long offset, out bool complete, out bool oversized);
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
            if (!IsUtf8(_field, _fieldLength))
            {
                BrokenRecords++;
                _report(new ReadIssue(ReadIssueKind.InvalidRecord, _file, "the CSV row holds text that is not valid UTF-8; it was skipped", line, offset, number));
                continue;
            }
            RecordCount++;
            yield return new RawRecord(WriteRow(prefixes, count), number, line, offset);
        }
    }

    /// <summary>
    /// The row as one JSON object of strings: each column's prefix, then its field's text, which ReadRow has
    /// already escaped (quotes and backslashes as \" and \\, control characters as \n, \u001F, ...).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private ReadOnlyMemory<byte> WriteRow(byte[][] prefixes, int count)
    {
        int size = 2 + _fieldLength;
        for (int i = 0; i < count; i++) size += prefixes[i].Length + 3;
        if (_row.Length < size) _row = new byte[Math.Max(size, _row.Length * 2)];
        var row = _row;
        int at = 0;
        row[at++] = (byte)'{';
        for (int i = 0; i < count; i++)
        {
            if (i > 0) row[at++] = (byte)',';
            var prefix = prefixes[i];
            Buffer.BlockCopy(prefix, 0, row, at, prefix.Length);
            at += prefix.Length;
            row[at++] = (byte)'"';
            var (start, length) = _fields[i];
            Buffer.BlockCopy(_field, start, row, at, length);
            at += length;
            row[at++] = (byte)'"';
        }
        row[at++] = (byte)'}';
        return new ReadOnlyMemory<byte>(row, 0, at);
    }

    private static bool IsUtf8(byte[] text, int length)
    {
#if NET8_0_OR_GREATER
        return System.Text.Unicode.Utf8.IsValid(new ReadOnlySpan<byte>(text, 0, length));
#else
        try
        {
            StrictUtf8.GetCharCount(text, 0, length);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
#endif
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

#if NET8_0_OR_GREATER
    // Where a run of ordinary bytes ends. In a row (json) also at what JSON escapes: a quote, a backslash, a control character.
    private static readonly System.Buffers.SearchValues<byte> QuotedStops = System.Buffers.SearchValues.Create("\"\n"u8);
    private static readonly System.Buffers.SearchValues<byte> QuotedJsonStops = System.Buffers.SearchValues.Create(JsonStops(""));
    private System.Buffers.SearchValues<byte>? _plainStops;
    private System.Buffers.SearchValues<byte>? _plainJsonStops;

    private static byte[] JsonStops(string more)
    {
        var stops = new List<byte> { (byte)'"', (byte)'\\' };
        for (int b = 0; b < 0x20; b++) stops.Add((byte)b);
        foreach (char c in more) stops.Add((byte)c);
        return stops.ToArray();
    }
#endif

    /// <summary>The length of the run of bytes at the start of <paramref name="rest"/> that are copied as they are (-1: all of them).</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private int Run(ReadOnlySpan<byte> rest, bool quoted, bool json)
    {
#if NET8_0_OR_GREATER
        if (quoted) return rest.IndexOfAny(json ? QuotedJsonStops : QuotedStops);
        _plainStops ??= System.Buffers.SearchValues.Create(new[] { _delimiter, (byte)'\n', (byte)'\r', (byte)'"' });
        _plainJsonStops ??= System.Buffers.SearchValues.Create(JsonStops(((char)_delimiter).ToString()));
        return rest.IndexOfAny(json ? _plainJsonStops : _plainStops);
#else
        for (int i = 0; i < rest.Length; i++)
        {
            byte b = rest[i];
            if (b == (byte)'"' || b == (byte)'\n' || (json && (b == (byte)'\\' || b < 0x20)) || (!quoted && (b == _delimiter || b == (byte)'\r'))) return i;
        }
        return -1;
#endif
    }

    /// <summary>
    /// Reads one row into <see cref="_fields"/>; returns the number of fields (0 at the end of the file).
    /// With <paramref name="json"/> each field's text is kept escaped for a JSON string (the header's names are kept as they are).
    /// <paramref name="complete"/> is false when the file ends inside a quoted field.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private int ReadRow(bool json, out long line, out long offset, out bool complete, out bool oversized)
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
        // Where the field's text ended after a carriage return outside quotes: at the line feed that follows, the CR is dropped.
        int afterCr = -1, crLength = 0;
        while (true)
        {
            if (_pos >= _end && !Fill())
            {
                if (quoted) complete = false;
                _fields.Add((fieldStart, _fieldLength - fieldStart));
                return _fields.Count;
            }
            if (quoted)
            {
                // A quoted field (in a row, usually AuditData's JSON text: each doubled quote becomes \" in place) is read in this loop.
                if (QuotedRun(json, ref oversized))
                {
                    quoted = false;
                    afterQuote = true;
                    continue;
                }
                // Stopped at the chunk's end (read on), or at a quote that is its last byte (the byte-by-byte code reads on).
                if (_pos >= _end) continue;
            }
            // Runs of ordinary bytes are copied at once; the byte-by-byte code below handles what ends them.
            if (!quoted && !afterQuote)
            {
                var rest = new ReadOnlySpan<byte>(_chunk, _pos, _end - _pos);
                int run = Run(rest, quoted: false, json);
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
                // Only a quote that was the chunk's last byte gets here: the next chunk tells whether it is doubled.
                if (_pos >= _end) Fill();
                if (_pos < _end && _chunk[_pos] == (byte)'"')
                {
                    _pos++;
                    Append(b, json, ref oversized);
                }
                else
                {
                    quoted = false;
                    afterQuote = true;
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
                if (afterCr == _fieldLength && afterCr - crLength >= fieldStart && !afterQuote) length -= crLength;
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
                int before = _fieldLength;
                Append(b, json, ref oversized);
                if (b == (byte)'\r')
                {
                    afterCr = _fieldLength;
                    crLength = _fieldLength - before;
                }
            }
        }
    }

    /// <summary>
    /// Reads a quoted field from the chunk: runs of ordinary bytes copied at once, a doubled quote kept as one (in a row,
    /// written \"), what JSON escapes escaped (in a row). True at the closing quote (read); false where it stopped without
    /// one: at the chunk's end, or at a quote that is the chunk's last byte (whether it is doubled is in the next chunk).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private bool QuotedRun(bool json, ref bool oversized)
    {
#if NET8_0_OR_GREATER
        if (json && Vectorized && Vector256.IsHardwareAccelerated && QuotedJsonBlocks()) return true;
#endif
        while (_pos < _end)
        {
            var rest = new ReadOnlySpan<byte>(_chunk, _pos, _end - _pos);
            int run = Run(rest, quoted: true, json);
            if (run < 0) run = rest.Length;
            if (run > 0)
            {
                AppendRange(rest.Slice(0, run), ref oversized);
                _pos += run;
                if (_pos == _end) return false;
            }
            byte b = _chunk[_pos];
            if (b == (byte)'"')
            {
                if (_pos + 1 == _end) return false;
                if (_chunk[_pos + 1] != (byte)'"')
                {
                    _pos++;
                    return true;
                }
                _pos += 2;
            }
            else
            {
                if (b == (byte)'\n') _line++;
                _pos++;
            }
            Append(b, json, ref oversized);
        }
        return false;
    }

#if NET8_0_OR_GREATER
    /// <summary>
    /// The common part of a quoted field of a row (AuditData's JSON text), 32 bytes a step: every doubled quote of a
    /// block is written \" in the same step (the first quote of each pair becomes a backslash, found from the block's
    /// quote mask), and the closing quote ends the field (true). Anything else (a backslash, a control character, a
    /// quote at the chunk's end, the last 31 bytes, a field that could outgrow the record limit) is left where it is
    /// for <see cref="QuotedRun"/>'s own loop (false), so the result is the same byte for byte; the tests compare the two.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private bool QuotedJsonBlocks()
    {
        int pos = _pos, end = _end, length = _fieldLength;
        // Each byte read becomes at most one written here; past the record limit the byte-by-byte code decides.
        if ((long)length + (end - pos) > _maxRecordBytes || end - pos < 32 || !System.Runtime.Intrinsics.X86.Avx2.IsSupported) return false;
        // Room for the whole rest of the chunk and one block more: each step stores 32 bytes before it looks at them.
        GrowField(length + (end - pos) + 32, int.MaxValue);
        ref byte src = ref _chunk[0];
        ref byte dst = ref _field[0];
        var quote = Vector256.Create((byte)'"');
        var backslash = Vector256.Create((byte)'\\');
        var control = Vector256.Create((byte)0x20);
        bool closed = false;
        while (pos + 32 <= end)
        {
            var v = Vector256.LoadUnsafe(ref src, (nuint)pos);
            uint quotes = Vector256.Equals(v, quote).ExtractMostSignificantBits();
            uint others = (Vector256.Equals(v, backslash) | Vector256.LessThan(v, control)).ExtractMostSignificantBits();
            if ((quotes | others) == 0)
            {
                v.StoreUnsafe(ref dst, (nuint)length);
                pos += 32;
                length += 32;
                continue;
            }
            // Read from the block's start, the quotes pair up as they come: the first of each two opens a pair (a
            // doubled quote, written \"), and a first one not followed by a quote closes the field. Every run of quotes
            // before the closing one is paired, so a quote is a first one when the quotes up to it are odd in number.
            uint firsts = quotes & (uint)JsonRecordSplitter.PrefixXor(quotes);
            uint closing = firsts & ~(quotes >> 1);
            // A first quote in the last byte: whether it is doubled (or closes) is in the next block, which begins with it.
            int other = others != 0 ? BitOperations.TrailingZeroCount(others) : 32;
            int stop = Math.Min(other, (firsts & 0x8000_0000u) != 0 ? 31 : 32);
            bool closes = false;
            if (closing != 0)
            {
                int at = BitOperations.TrailingZeroCount(closing);
                if (at < stop)
                {
                    stop = at;
                    closes = true;
                }
            }
            // The bytes past the stop are stored too, and written over by the next step.
            Vector256.ConditionalSelect(BytesOf(firsts), backslash, v).StoreUnsafe(ref dst, (nuint)length);
            pos += stop;
            length += stop;
            if (closes)
            {
                pos++;
                closed = true;
                break;
            }
            // A backslash or a control character: the byte-by-byte code escapes it.
            if (stop == other && other < 32) break;
        }
        _pos = pos;
        _fieldLength = length;
        return closed;
    }

    private static readonly Vector256<byte> BitIndex = Vector256.Create(
        (byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);

    private static readonly Vector256<byte> BitOfByte = Vector256.Create(
        (byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);

    /// <summary>All ones in byte i where bit i of <paramref name="bits"/> is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> BytesOf(uint bits)
    {
        // Each 128-bit half holds the four mask bytes four times; byte i takes mask byte i / 8, then its own bit.
        var spread = System.Runtime.Intrinsics.X86.Avx2.Shuffle(Vector256.Create(bits).AsByte(), BitIndex);
        return Vector256.Equals(spread & BitOfByte, BitOfByte);
    }
#endif

    /// <summary>One byte of a field; with <paramref name="json"/> as a JSON string holds it (\" \\ \n \u001F ...).</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private void Append(byte b, bool json, ref bool oversized)
    {
        if (!json || (b >= 0x20 && b != (byte)'"' && b != (byte)'\\'))
        {
            Append(b, ref oversized);
            return;
        }
        byte letter = b switch
        {
            (byte)'"' => (byte)'"',
            (byte)'\\' => (byte)'\\',
            (byte)'\n' => (byte)'n',
            (byte)'\r' => (byte)'r',
            (byte)'\t' => (byte)'t',
            (byte)'\b' => (byte)'b',
            (byte)'\f' => (byte)'f',
            _ => 0,
        };
        Append((byte)'\\', ref oversized);
        if (letter != 0)
        {
            Append(letter, ref oversized);
            return;
        }
        const string Hex = "0123456789ABCDEF";
        Append((byte)'u', ref oversized);
        Append((byte)'0', ref oversized);
        Append((byte)'0', ref oversized);
        Append((byte)Hex[b >> 4], ref oversized);
        Append((byte)Hex[b & 15], ref oversized);
    }

    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private void AppendRange(ReadOnlySpan<byte> bytes, ref bool oversized)
    {
        int n = bytes.Length;
        int room = _maxRecordBytes - _fieldLength;
        if (n > room)
        {
            oversized = true;
            n = Math.Max(0, room);
        }
        GrowField(_fieldLength + n, _maxRecordBytes + 1);
        bytes.Slice(0, n).CopyTo(new Span<byte>(_field, _fieldLength, n));
        _fieldLength += n;
    }

    /// <summary>Doubles the field buffer until it holds <paramref name="needed"/> bytes, to at most <paramref name="limit"/>.</summary>
    private void GrowField(int needed, int limit)
    {
        if (needed <= _field.Length) return;
        int size = _field.Length;
        while (size < needed) size *= 2;
        Array.Resize(ref _field, Math.Min(size, limit));
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
