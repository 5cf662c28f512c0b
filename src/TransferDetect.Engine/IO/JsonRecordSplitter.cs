using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using TransferDetect.Engine.Hosting;

namespace TransferDetect.Engine.IO;

/// <summary>One JSON object cut out of a log file, valid until the next record is requested.</summary>
public readonly struct RawRecord
{
    public RawRecord(ReadOnlyMemory<byte> json, long number, long line, long offset)
    {
        Json = json;
        Number = number;
        Line = line;
        Offset = offset;
    }

    /// <summary>The record's bytes (UTF-8 JSON object).</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>1-based number of the record in its file.</summary>
    public long Number { get; }

    /// <summary>1-based line where the record starts.</summary>
    public long Line { get; }

    /// <summary>0-based byte offset where the record starts (in the decompressed text).</summary>
    public long Offset { get; }
}

/// <summary>
/// Cuts a stream of JSON into records without holding more than one record in memory.
/// It recognises, from the content alone: a wrapper object whose <c>wrapperKeys</c> property is an
/// array of records (<c>{"Records":[...]}</c>, <c>{"Events":[...]}</c>), a bare array of records,
/// and a sequence of top-level objects (JSON lines, or concatenated pretty-printed objects).
/// It only tracks structure (strings, escapes, brackets); each record is validated when parsed.
/// </summary>
internal sealed class JsonRecordSplitter
{
    private const int InitialBufferSize = 1 << 18;
    private static readonly byte[] OutsideStops = { (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)'\n' };
    private static readonly byte[] InsideStops = { (byte)'"', (byte)'\\', (byte)'\n' };
#if NET8_0_OR_GREATER
    private static readonly SearchValues<byte> OutsideSearch = SearchValues.Create(OutsideStops);
    private static readonly SearchValues<byte> InsideSearch = SearchValues.Create(InsideStops);
#endif

    private enum KeyState { None, ExpectColon, ExpectValue }

    private readonly Stream _stream;
    private readonly string _file;
    private readonly byte[][] _wrapperKeys;
    private readonly int _maxRecordBytes;
    private readonly Action<ReadIssue> _report;

    private byte[] _buf = Array.Empty<byte>();
    private int _pos;
    private int _end;
    private long _base;
    private long _line = 1;
    private bool _eof;
    private bool _streamFailed;
    private bool _sawContent;

    private int _depth;
    private bool _inString;
    private bool _escape;
    private bool _topIsArray;
    private bool _inWrapperArray;
    private bool _skipToLineEnd;
    private bool _lineMode;
    private long _topRecords;

    private bool _inRecord;
    private bool _recIsTop;
    private bool _recDiscard;
    private int _recStart = -1;
    private int _recDepth;
    private long _recLine;
    private long _recOffset;
    private long _recordNumber;

    private int _keyStart = -1;
    private KeyState _keyState;
    private bool _keyIsWrapper;

    public JsonRecordSplitter(Stream stream, string file, IReadOnlyList<string> wrapperKeys, int maxRecordBytes, Action<ReadIssue> report)
    {
        _stream = stream;
        _file = file;
        _wrapperKeys = new byte[wrapperKeys.Count][];
        for (int i = 0; i < wrapperKeys.Count; i++) _wrapperKeys[i] = Encoding.UTF8.GetBytes(wrapperKeys[i]);
        _maxRecordBytes = Math.Max(1024, maxRecordBytes);
        _report = report;
    }

    /// <summary>Records handed out so far.</summary>
    public long RecordCount => _recordNumber;

    /// <summary>Bytes of (decompressed) text read so far.</summary>
    public long BytesRead => _base + _end;

    /// <summary>True when the stream failed (truncated or damaged) and the file was not read to its end.</summary>
    public bool StreamFailed => _streamFailed;

    /// <summary>Records not handed out because they were broken (lines cut, oversized).</summary>
    public long BrokenRecords { get; private set; }

    public IEnumerable<RawRecord> Records(CancellationToken cancellationToken)
    {
        _buf = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        try
        {
            if (Fill() && _end >= 3 && _buf[0] == 0xEF && _buf[1] == 0xBB && _buf[2] == 0xBF)
            {
                _pos = 3;
            }
            while (true)
            {
                if (_pos >= _end)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!Fill()) break;
                    continue;
                }

                if (_escape)
                {
                    _escape = false;
                    _pos++;
                    continue;
                }

                if (_inString)
                {
                    int i = IndexOfInside(new ReadOnlySpan<byte>(_buf, _pos, _end - _pos));
                    if (i < 0)
                    {
                        _pos = _end;
                        continue;
                    }
                    _pos += i;
                    byte s = _buf[_pos++];
                    if (s == (byte)'"')
                    {
                        _inString = false;
                        if (_keyStart >= 0) OnKeyCandidateEnd();
                    }
                    else if (s == (byte)'\\')
                    {
                        _escape = true;
                    }
                    else
                    {
                        _line++;
                        if (_lineMode) BreakLine();
                    }
                    continue;
                }

                if (_depth == 0)
                {
                    HandleTopLevelByte();
                    continue;
                }

                if (_keyState != KeyState.None)
                {
                    HandleKeyStateByte();
                    continue;
                }

                int j = IndexOfOutside(new ReadOnlySpan<byte>(_buf, _pos, _end - _pos));
                if (j < 0)
                {
                    _pos = _end;
                    continue;
                }
                _pos += j;
                byte b = _buf[_pos];
                switch (b)
                {
                    case (byte)'"':
                        _inString = true;
                        if (_inRecord && _recIsTop && _depth == 1) _keyStart = _pos + 1;
                        _pos++;
                        break;
                    case (byte)'{':
                        if (!_inRecord && ((_depth == 1 && _topIsArray) || (_depth == 2 && _inWrapperArray)))
                        {
                            StartRecord(top: false);
                        }
                        _depth++;
                        _pos++;
                        break;
                    case (byte)'[':
                        _depth++;
                        _pos++;
                        break;
                    case (byte)'}':
                    case (byte)']':
                        _depth--;
                        _pos++;
                        if (_inRecord && _depth == _recDepth)
                        {
                            if (EndRecord(out RawRecord record)) yield return record;
                        }
                        else if (b == (byte)']' && _inWrapperArray && _depth == 1)
                        {
                            _inWrapperArray = false;
                        }
                        if (_depth == 0) _topIsArray = false;
                        break;
                    default:
                        _line++;
                        _pos++;
                        if (_lineMode && _inRecord && _recIsTop) BreakLine();
                        break;
                }
            }

            ReportEnd();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buf);
            _buf = Array.Empty<byte>();
        }
    }

    private void HandleTopLevelByte()
    {
        byte b = _buf[_pos];
        if (b == (byte)'\n')
        {
            _line++;
            _pos++;
            _skipToLineEnd = false;
            return;
        }
        if (_skipToLineEnd || b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r')
        {
            _pos++;
            return;
        }
        if (b == (byte)'{')
        {
            _sawContent = true;
            StartRecord(top: true);
            _depth = 1;
            _pos++;
            return;
        }
        if (b == (byte)'[')
        {
            _sawContent = true;
            _topIsArray = true;
            _depth = 1;
            _pos++;
            return;
        }
        if (b == (byte)']' || b == (byte)'}' || b == (byte)',')
        {
            // Stray closers or separators between top-level values (for example a trailing comma).
            Report(ReadIssueKind.UnexpectedContent, $"unexpected '{(char)b}' outside any record; the rest of the line was skipped");
        }
        else if (!_sawContent)
        {
            Report(ReadIssueKind.NotJson, $"the file is not JSON: it starts with {Describe(b)} where '{{' or '[' was expected");
        }
        else
        {
            Report(ReadIssueKind.UnexpectedContent, $"text that is not JSON ({Describe(b)}) between records; the rest of the line was skipped");
        }
        _sawContent = true;
        _skipToLineEnd = true;
        _pos++;
    }

    private void HandleKeyStateByte()
    {
        byte b = _buf[_pos];
        if (b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r')
        {
            _pos++;
            return;
        }
        if (b == (byte)'\n')
        {
            // Newlines between a key and its value are legal in pretty-printed JSON.
            if (_lineMode)
            {
                _keyState = KeyState.None;
                return;
            }
            _line++;
            _pos++;
            return;
        }
        if (_keyState == KeyState.ExpectColon && b == (byte)':')
        {
            _keyState = KeyState.ExpectValue;
            _pos++;
            return;
        }
        if (_keyState == KeyState.ExpectValue && b == (byte)'[' && _keyIsWrapper)
        {
            // The top-level object is a wrapper: its array holds the records.
            _inRecord = false;
            _recIsTop = false;
            _recDiscard = false;
            _recStart = -1;
            _inWrapperArray = true;
            _depth++;
            _pos++;
        }
        _keyState = KeyState.None;
    }

    private void OnKeyCandidateEnd()
    {
        int length = _pos - 1 - _keyStart;
        var key = new ReadOnlySpan<byte>(_buf, _keyStart, length);
        _keyStart = -1;
        _keyIsWrapper = false;
        foreach (var w in _wrapperKeys)
        {
            if (key.SequenceEqual(w))
            {
                _keyIsWrapper = true;
                break;
            }
        }
        _keyState = KeyState.ExpectColon;
    }

    private void StartRecord(bool top)
    {
        _inRecord = true;
        _recIsTop = top;
        _recDiscard = false;
        _recStart = _pos;
        _recDepth = _depth;
        _recLine = _line;
        _recOffset = _base + _pos;
    }

    private bool EndRecord(out RawRecord record)
    {
        _inRecord = false;
        _keyState = KeyState.None;
        _keyStart = -1;
        bool top = _recIsTop;
        if (top)
        {
            if (_topRecords == 0 && _line == _recLine) _lineMode = true;
            _topRecords++;
        }
        _recordNumber++;
        if (_recDiscard)
        {
            _recDiscard = false;
            BrokenRecords++;
            _report(new ReadIssue(ReadIssueKind.OversizedRecord, _file,
                $"the record is larger than the limit of {_maxRecordBytes:N0} bytes and was skipped",
                _recLine, _recOffset, _recordNumber));
            record = default;
            return false;
        }
        record = new RawRecord(new ReadOnlyMemory<byte>(_buf, _recStart, _pos - _recStart), _recordNumber, _recLine, _recOffset);
        _recStart = -1;
        return true;
    }

    /// <summary>In JSON lines, a newline inside a record means the line was cut: report it and resume on the next line.</summary>
    private void BreakLine()
    {
        if (!_inRecord) return;
        _recordNumber++;
        BrokenRecords++;
        _report(new ReadIssue(ReadIssueKind.InvalidRecord, _file,
            "the record ends before its closing brace (a cut JSON line); reading resumes on the next line",
            _recLine, _recOffset, _recordNumber));
        _inRecord = false;
        _recDiscard = false;
        _recStart = -1;
        _depth = 0;
        _inString = false;
        _escape = false;
        _keyState = KeyState.None;
        _keyStart = -1;
    }

    private bool Fill()
    {
        if (_eof) return false;
        int keep = _end;
        if (_inRecord && !_recDiscard && _recStart >= 0) keep = _recStart;
        if (_keyStart >= 0 && _keyStart < keep) keep = _keyStart;
        if (keep > _pos) keep = _pos;
        if (keep > 0)
        {
            int remaining = _end - keep;
            if (remaining > 0) Buffer.BlockCopy(_buf, keep, _buf, 0, remaining);
            _pos -= keep;
            _end -= keep;
            if (_recStart >= 0) _recStart -= keep;
            if (_keyStart >= 0) _keyStart -= keep;
            _base += keep;
        }
        if (_end == _buf.Length)
        {
            if (_buf.Length >= _maxRecordBytes)
            {
                // The record in hand outgrew the limit: stop keeping it, keep tracking its structure.
                _recDiscard = true;
                int drop = _pos;
                if (_keyStart >= 0) drop = Math.Min(drop, _keyStart);
                if (drop == 0) { _keyStart = -1; drop = _pos; }
                Buffer.BlockCopy(_buf, drop, _buf, 0, _end - drop);
                _pos -= drop;
                _end -= drop;
                if (_keyStart >= 0) _keyStart -= drop;
                _recStart = -1;
                _base += drop;
            }
            else
            {
                var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buf.Length * 2, _maxRecordBytes));
                Buffer.BlockCopy(_buf, 0, bigger, 0, _end);
                ArrayPool<byte>.Shared.Return(_buf);
                _buf = bigger;
            }
        }
        int n;
        try
        {
            n = _stream.Read(_buf, _end, _buf.Length - _end);
        }
        catch (InputFormatException e)
        {
            _eof = true;
            _streamFailed = true;
            string lost = _inRecord ? $"; record {_recordNumber + 1} (line {_recLine}) was being read and is lost" : "";
            _report(new ReadIssue(e.Kind, _file, e.Message + lost, _line, _base + _end, null));
            return false;
        }
        if (n == 0)
        {
            _eof = true;
            return false;
        }
        _end += n;
        return true;
    }

    private void ReportEnd()
    {
        if (_streamFailed) return;
        if (_base + _end == 0)
        {
            Report(ReadIssueKind.EmptyFile, "the file is empty");
            return;
        }
        if (!_sawContent)
        {
            Report(ReadIssueKind.EmptyFile, "the file holds only white space");
            return;
        }
        if (_inRecord)
        {
            BrokenRecords++;
            _report(new ReadIssue(ReadIssueKind.Truncated, _file,
                $"the file ends inside a record (after {_base + _end:N0} bytes); the record is lost",
                _recLine, _recOffset, _recordNumber + 1));
        }
        else if (_depth > 0 || _inString)
        {
            Report(ReadIssueKind.Truncated, $"the file ends before its JSON is closed, after {_recordNumber} record(s); records after that point are lost");
        }
    }

    private void Report(ReadIssueKind kind, string message) =>
        _report(new ReadIssue(kind, _file, message, _line, _base + _pos, null));

    private static string Describe(byte b) =>
        b >= 0x20 && b < 0x7F ? $"'{(char)b}'" : $"byte 0x{b:X2}";

    private static int IndexOfOutside(ReadOnlySpan<byte> span)
    {
#if NET8_0_OR_GREATER
        return span.IndexOfAny(OutsideSearch);
#else
        return span.IndexOfAny(OutsideStops);
#endif
    }

    private static int IndexOfInside(ReadOnlySpan<byte> span)
    {
#if NET8_0_OR_GREATER
        return span.IndexOfAny(InsideSearch);
#else
        return span.IndexOfAny(InsideStops);
#endif
    }
}
