using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using TransferDetect.Engine.Hosting;
#if NET8_0_OR_GREATER
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
#endif

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
internal sealed class JsonRecordSplitter : IRawRecordSource
{
    private const int InitialBufferSize = 1 << 18;
    // A backslash too: outside a string (only in broken JSON) it escapes the next byte, as the block scan reads it,
    // so that both paths agree on where strings are in broken text and report the same problem.
    private static readonly byte[] OutsideStops = { (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)'\n', (byte)'\\' };
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

    private readonly Needle[] _quotedWrapperKeys;
    private readonly int _longestQuotedKey;
#if NET8_0_OR_GREATER
    private readonly bool _fast;
    private long _keyFreeUntil;
    private int _slowUntil = -1;
#endif

    /// <param name="vectorized">Use the 64-bytes-at-a-time scan where the state allows (net8.0); false forces the
    /// byte-by-byte reference path, which the tests compare it with.</param>
    public JsonRecordSplitter(Stream stream, string file, IReadOnlyList<string> wrapperKeys, int maxRecordBytes, Action<ReadIssue> report, bool vectorized = true)
    {
#if NET8_0_OR_GREATER
        _fast = vectorized && Vector128.IsHardwareAccelerated;
#endif
        _stream = stream;
        _file = file;
        _wrapperKeys = new byte[wrapperKeys.Count][];
        _quotedWrapperKeys = new Needle[wrapperKeys.Count];
        for (int i = 0; i < wrapperKeys.Count; i++)
        {
            _wrapperKeys[i] = Encoding.UTF8.GetBytes(wrapperKeys[i]);
            _quotedWrapperKeys[i] = new Needle(Encoding.UTF8.GetBytes("\"" + wrapperKeys[i] + "\""));
            _longestQuotedKey = Math.Max(_longestQuotedKey, _quotedWrapperKeys[i].Length);
        }
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
        Open();
        try
        {
            while (TryNext(cancellationToken, out RawRecord record)) yield return record;
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Takes the buffer and skips a byte order mark: before the first <see cref="TryNext"/>.</summary>
    public void Open()
    {
        _buf = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        // A stream may hand out the byte order mark over several reads: have its 3 bytes before looking.
        while (_end < 3 && Fill())
        {
        }
        if (_end >= 3 && _buf[0] == 0xEF && _buf[1] == 0xBB && _buf[2] == 0xBF)
        {
            _pos = 3;
        }
    }

    /// <summary>
    /// The next record (valid until the next call), or false at the end of the text, where what the end left
    /// unfinished is reported (once). What <see cref="Records"/> hands out, for a caller that reads records in a
    /// loop of its own rather than through an iterator.
    /// </summary>
    // Optimized from its first call: it runs once a record, and through the interface it is not inlined, so it
    // would otherwise run unoptimized, then instrumented code for most of a first scan.
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public bool TryNext(CancellationToken cancellationToken, out RawRecord record)
    {
        if (Next(cancellationToken, out record)) return true;
        if (!_endReported)
        {
            _endReported = true;
            ReportEnd();
        }
        return false;
    }

    private bool _endReported;

    /// <summary>Gives the buffer back (after <see cref="Open"/>, whether or not the text was read to its end).</summary>
    public void Dispose()
    {
        if (_buf.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buf);
        _buf = Array.Empty<byte>();
    }

    /// <summary>
    /// Cuts the next record out of the stream: true with it, false at the end of the text. A method of its own,
    /// not the iterator's body, so that it is compiled optimized from its first call: as the body of the
    /// compiler-made iterator, the scan's hottest loop ran unoptimized code for the first part of every scan.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private bool Next(CancellationToken cancellationToken, out RawRecord record)
    {
        while (true)
        {
            if (_pos >= _end)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Fill()) continue;
                record = default;
                return false;
            }

            if (_escape)
            {
                // The escaped byte; an escaped line break (broken JSON) is still a line, as the block scan counts it.
                _escape = false;
                if (_buf[_pos] == (byte)'\n') _line++;
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

#if NET8_0_OR_GREATER
            if (_fast && _pos != _slowUntil && _end - _pos >= 64 && !_skipToLineEnd && _keyStart < 0 && (!(_inRecord && _recIsTop) || WrapperKeysAbsent()))
            {
                int before = _pos;
                if (ScanBlocks())
                {
                    if (EndRecord(out record)) return true;
                }
                else if (_pos == before)
                {
                    // It stopped on its first byte (a newline in JSON lines): the byte-by-byte path takes that byte.
                    _slowUntil = _pos;
                }
                continue;
            }
#endif

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
                case (byte)'\\':
                    _escape = true;
                    _pos++;
                    break;
                case (byte)'}':
                case (byte)']':
                    _depth--;
                    _pos++;
                    if (_inRecord && _depth == _recDepth)
                    {
                        if (EndRecord(out record)) return true;
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
    }

    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
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

    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
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
        if (_buf[_pos - 1] != (byte)'}')
        {
            // Closed by ']': its brackets do not match, so it is not a JSON object.
            _recStart = -1;
            BrokenRecords++;
            _report(new ReadIssue(ReadIssueKind.InvalidRecord, _file,
                "the record is not valid JSON: its '{' is closed by ']'; it was skipped",
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

#if NET8_0_OR_GREATER
    /// <summary>
    /// The steady state, 64 bytes at a time (the stage 1 of simdjson): bitmasks of quotes, backslashes,
    /// brackets and newlines; escaped quotes removed with the odd-backslash-run trick; the inside of
    /// strings found with a prefix XOR; then only the brackets outside strings are visited. Returns true
    /// when a record has just ended at <c>_pos</c>; otherwise it stops where the byte-by-byte path must
    /// take over (fewer than 64 bytes left, top level reached, keys to watch, a newline in JSON lines).
    /// Inside a record of an array, where nearly all blocks are, <see cref="ScanRecordBlocks"/> does the work.
    /// </summary>
    [MethodImpl(Jit.Optimized)]
    private bool ScanBlocks()
    {
        if (_inRecord && !(_lineMode && _recIsTop)) return ScanRecordBlocks();
        if (!_inRecord && !_inString && !_escape && _buf[_pos] == (byte)',' && _buf[_pos + 1] == (byte)'{' &&
            ((_depth == 1 && _topIsArray) || (_depth == 2 && _inWrapperArray)))
        {
            // The next record of the array follows the last at once (",{", as CloudTrail writes them): begin it here,
            // rather than classify a block for its first two bytes.
            _pos++;
            StartRecord(top: false);
            _depth++;
            _pos++;
            return ScanRecordBlocks();
        }
        ulong prevInString = _inString ? ulong.MaxValue : 0UL;
        ulong prevEscaped = _escape ? 1UL : 0UL;
        // Locals, not fields, in the hot loop: the JIT keeps them in registers.
        byte[] buf = _buf;
        int pos = _pos;
        int last = _end - 64;
        int depth = _depth;
        long line = _line;
        bool inRecord = _inRecord;
        bool watchNewlines = _lineMode && inRecord && _recIsTop;
        int recDepth = _recDepth;
        var bytes = BlockBytes.Create();
        while (pos <= last)
        {
            bytes.Classify(ref buf[pos], out ulong quote, out ulong backslash, out ulong open, out ulong close, out ulong newline);
            ulong escaped = EscapedQuotes(backslash, ref prevEscaped);
            ulong inString = PrefixXor(quote & ~escaped) ^ prevInString;

            // Here: the outside of records, JSON lines, and the block where a record of an array begins.
            ulong events = (open | close) & ~inString;
            if (watchNewlines) events |= newline;
            while (events != 0)
            {
                int p = BitOperations.TrailingZeroCount(events);
                ulong bit = 1UL << p;
                events &= events - 1;
                if ((newline & bit) != 0)
                {
                    // A newline inside a JSON-lines record: the byte-by-byte path reports the cut line.
                    Save(pos + p, depth, line + BitOperations.PopCount(newline & (bit - 1)), (inString & bit) != 0, (escaped & bit) != 0);
                    return false;
                }
                if ((open & bit) != 0)
                {
                    if (!inRecord && ((depth == 1 && _topIsArray) || (depth == 2 && _inWrapperArray)) && buf[pos + p] == (byte)'{')
                    {
                        inRecord = true;
                        _inRecord = true;
                        _recIsTop = false;
                        _recDiscard = false;
                        _recStart = pos + p;
                        _recDepth = depth;
                        recDepth = depth;
                        _recLine = line + BitOperations.PopCount(newline & (bit - 1));
                        _recOffset = _base + pos + p;
                    }
                    depth++;
                    continue;
                }
                depth--;
                bool recordEnded = inRecord && depth == recDepth;
                if (!recordEnded && buf[pos + p] == (byte)']' && _inWrapperArray && depth == 1) _inWrapperArray = false;
                if (recordEnded || depth <= 0)
                {
                    if (depth == 0) _topIsArray = false;
                    Save(pos + p + 1, depth, line + BitOperations.PopCount(newline & (bit - 1)), inString: false, escape: false);
                    return recordEnded;
                }
            }
            line += BitOperations.PopCount(newline);
            prevInString = (ulong)((long)inString >> 63);
            pos += 64;
            if (inRecord && !watchNewlines) break;
        }
        Save(pos, depth, line, prevInString != 0, prevEscaped != 0);
        // A record of an array has just begun: the rest of it in the loop made for the inside of records.
        return inRecord && !watchNewlines && ScanRecordBlocks();
    }

    /// <summary>
    /// <see cref="ScanBlocks"/> inside a record of an array (not a JSON line), where all but a few blocks are:
    /// only the bracket that brings the depth back to the record's own can matter, so a block's brackets are
    /// counted, and visited only in a block with enough closing brackets to end the record. A loop of its own,
    /// carrying only what passes from block to block, so that the JIT keeps all of it in registers (in one loop
    /// with the rest it kept the string state on the stack). Returns true when the record has just ended at
    /// <c>_pos</c>; false when fewer than 64 bytes are left.
    /// </summary>
    [MethodImpl(Jit.Optimized)]
    private bool ScanRecordBlocks()
    {
        byte[] buf = _buf;
        int pos = _pos;
        int last = _end - 64;
        int depth = _depth;
        int recDepth = _recDepth;
        long line = _line;
        ulong prevInString = _inString ? ulong.MaxValue : 0UL;
        ulong prevEscaped = _escape ? 1UL : 0UL;
        var bytes = BlockBytes.Create();
        // pos is at most _end - 64, inside the buffer: its bytes by reference, with no bounds check a block.
        ref byte data = ref MemoryMarshal.GetArrayDataReference(buf);
        while (pos <= last)
        {
            bytes.Classify(ref Unsafe.Add(ref data, pos), out ulong quote, out ulong backslash, out ulong open, out ulong close, out ulong newline);
            ulong inString = PrefixXor(quote & ~EscapedQuotes(backslash, ref prevEscaped)) ^ prevInString;
            int closeCount = BitOperations.PopCount(close & ~inString);
            if (depth - closeCount > recDepth)
            {
                // Too few closing brackets to end the record: counted, not visited.
                depth += BitOperations.PopCount(open & ~inString) - closeCount;
            }
            else
            {
                // Each bracket moves the depth by one, without a branch on which it is; the depth can only reach
                // the record's own on a closing bracket.
                ulong events = (open | close) & ~inString;
                while (events != 0)
                {
                    int p = BitOperations.TrailingZeroCount(events);
                    events &= events - 1;
                    depth += (int)((open >> p) & 1) * 2 - 1;
                    if (depth <= recDepth)
                    {
                        Save(pos + p + 1, depth, line + BitOperations.PopCount(newline & ((1UL << p) - 1)), inString: false, escape: false);
                        return true;
                    }
                }
            }
            if (newline != 0) line += BitOperations.PopCount(newline);
            prevInString = (ulong)((long)inString >> 63);
            pos += 64;
        }
        Save(pos, depth, line, prevInString != 0, prevEscaped != 0);
        return false;
    }

    /// <summary>Where a block scan stopped, and the state there, for the next pass or the byte-by-byte path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Save(int pos, int depth, long line, bool inString, bool escape)
    {
        _pos = pos;
        _depth = depth;
        _line = line;
        _inString = inString;
        _escape = escape;
    }

    /// <summary>
    /// The quotes of a block that backslashes escape (the odd-backslash-run trick of simdjson), from its backslash
    /// mask and whether the previous block ended on an escaping backslash; <paramref name="prevEscaped"/> becomes the
    /// same for this block. Escapes are rare in CloudTrail: most blocks return at the first test.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong EscapedQuotes(ulong backslash, ref ulong prevEscaped)
    {
        if ((backslash | prevEscaped) == 0) return 0;
        const ulong Even = 0x5555555555555555UL;
        ulong bs = backslash & ~prevEscaped;
        ulong followsEscape = (bs << 1) | prevEscaped;
        ulong oddStarts = bs & ~Even & ~followsEscape;
        ulong sequencesOnEven = unchecked(oddStarts + bs);
        prevEscaped = sequencesOnEven < oddStarts ? 1UL : 0UL;
        return (Even ^ (sequencesOnEven << 1)) & followsEscape;
    }

    /// <summary>
    /// Inside a top-level object the byte-by-byte path watches each key for a wrapper ("Records", "Events").
    /// The fast path may skip that only over text that cannot hold such a key: this checks the buffered
    /// text for the quoted key names, once per byte (it remembers how far it has looked).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    private bool WrapperKeysAbsent()
    {
        // Nothing read since the last look: no key can have come (each record of JSON lines asks again).
        if (_keyFreeUntil == _base + _end) return true;
        long from = Math.Max(_base + _pos, _keyFreeUntil - _longestQuotedKey);
        int start = (int)(from - _base);
        var region = new ReadOnlySpan<byte>(_buf, start, _end - start);
        foreach (var key in _quotedWrapperKeys)
        {
            if (key.In(region)) return false;
        }
        _keyFreeUntil = _base + _end;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong PrefixXor(ulong x)
    {
        if (System.Runtime.Intrinsics.X86.Pclmulqdq.IsSupported)
        {
            // A carry-less multiplication by all ones is the prefix XOR in one instruction.
            return System.Runtime.Intrinsics.X86.Pclmulqdq.CarrylessMultiply(Vector128.CreateScalar(x), Vector128.Create(ulong.MaxValue), 0).ToScalar();
        }
        x ^= x << 1;
        x ^= x << 2;
        x ^= x << 4;
        x ^= x << 8;
        x ^= x << 16;
        x ^= x << 32;
        return x;
    }

    /// <summary>
    /// The bytes the block scan looks for, made once per pass: made in the loop, the JIT loaded each again for
    /// every block. Bit i of each mask is set when byte i of the 64 is that character. '{' and '[' differ only in
    /// bit 0x20, as do '}' and ']', so one compare each finds both.
    /// </summary>
    internal readonly struct BlockBytes
    {
        private readonly Vector256<byte> _quote, _backslash, _newline, _open, _close, _caseBit;

        private BlockBytes(Vector256<byte> quote, Vector256<byte> backslash, Vector256<byte> newline, Vector256<byte> open, Vector256<byte> close, Vector256<byte> caseBit)
        {
            _quote = quote;
            _backslash = backslash;
            _newline = newline;
            _open = open;
            _close = close;
            _caseBit = caseBit;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static BlockBytes Create() => new(Vector256.Create((byte)'"'), Vector256.Create((byte)'\\'), Vector256.Create((byte)'\n'),
            Vector256.Create((byte)'{'), Vector256.Create((byte)'}'), Vector256.Create((byte)0x20));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Classify(ref byte start, out ulong quote, out ulong backslash, out ulong open, out ulong close, out ulong newline)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                var a = Vector256.LoadUnsafe(ref start);
                var b = Vector256.LoadUnsafe(ref start, 32);
                var lowerA = a | _caseBit;
                var lowerB = b | _caseBit;
                quote = Join(Vector256.Equals(a, _quote), Vector256.Equals(b, _quote));
                open = Join(Vector256.Equals(lowerA, _open), Vector256.Equals(lowerB, _open));
                close = Join(Vector256.Equals(lowerA, _close), Vector256.Equals(lowerB, _close));
                // Backslashes and newlines are rare: one test for both, and their masks only when there are any.
                var backslashA = Vector256.Equals(a, _backslash);
                var backslashB = Vector256.Equals(b, _backslash);
                var newlineA = Vector256.Equals(a, _newline);
                var newlineB = Vector256.Equals(b, _newline);
                if (((backslashA | backslashB) | (newlineA | newlineB)) == Vector256<byte>.Zero)
                {
                    backslash = newline = 0;
                }
                else
                {
                    backslash = Join(backslashA, backslashB);
                    newline = Join(newlineA, newlineB);
                }
                return;
            }
            quote = backslash = open = close = newline = 0;
            for (int i = 0; i < 4; i++)
            {
                var v = Vector128.LoadUnsafe(ref start, (nuint)(i * 16));
                var lower = v | Vector128.Create((byte)0x20);
                int shift = i * 16;
                quote |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'"')).ExtractMostSignificantBits() << shift;
                backslash |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'\\')).ExtractMostSignificantBits() << shift;
                open |= (ulong)Vector128.Equals(lower, Vector128.Create((byte)'{')).ExtractMostSignificantBits() << shift;
                close |= (ulong)Vector128.Equals(lower, Vector128.Create((byte)'}')).ExtractMostSignificantBits() << shift;
                newline |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'\n')).ExtractMostSignificantBits() << shift;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Join(Vector256<byte> low, Vector256<byte> high) =>
        low.ExtractMostSignificantBits() | ((ulong)high.ExtractMostSignificantBits() << 32);
#endif

    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
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
