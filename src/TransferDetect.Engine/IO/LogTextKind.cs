using System;
using System.IO;

namespace TransferDetect.Engine.IO;

/// <summary>What a decompressed log file holds, judged from its first bytes.</summary>
internal enum LogTextKind
{
    Json,
    Csv,
}

/// <summary>Looks at the start of a stream without losing it: the bytes read are replayed.</summary>
internal static class LogTextSniffer
{
    private const int PeekBytes = 1 << 14;

    /// <summary>
    /// JSON when the first character after a BOM and white space is <c>{</c> or <c>[</c> (or there is
    /// none); CSV when the first line holds a comma, tab or semicolon and does not start like JSON;
    /// otherwise JSON, whose reader then reports the file as not JSON.
    /// </summary>
    public static LogTextKind Sniff(ref Stream stream)
    {
        var head = new byte[PeekBytes];
        int n = 0;
        InputFormatException? failure = null;
        try
        {
            while (n < head.Length)
            {
                int r = stream.Read(head, n, head.Length - n);
                if (r <= 0) break;
                n += r;
            }
        }
        catch (InputFormatException e)
        {
            // Replayed after the bytes read, so the reader meets the failure where it happened and reports it.
            failure = e;
        }
        stream = new ReplayStream(head, n, stream, failure);
        int i = n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0;
        while (i < n && (head[i] == (byte)' ' || head[i] == (byte)'\t' || head[i] == (byte)'\r' || head[i] == (byte)'\n')) i++;
        if (i >= n || head[i] == (byte)'{' || head[i] == (byte)'[') return LogTextKind.Json;
        if (CsvRecordReader.StartsWithTypeLine(head, i, n))
        {
            // Windows PowerShell's Export-Csv writes "#TYPE <type name>" first (without -NoTypeInformation).
            while (i < n && head[i] != (byte)'\n') i++;
            i++;
        }
        for (int j = i; j < n && head[j] != (byte)'\n'; j++)
        {
            if (head[j] == (byte)',' || head[j] == (byte)'\t' || head[j] == (byte)';') return LogTextKind.Csv;
        }
        return LogTextKind.Json;
    }

    /// <summary>The peeked bytes, then the rest of the stream.</summary>
    private sealed class ReplayStream : Stream
    {
        private readonly byte[] _head;
        private readonly int _count;
        private readonly Stream _rest;
        private InputFormatException? _failure;
        private int _pos;

        public ReplayStream(byte[] head, int count, Stream rest, InputFormatException? failure)
        {
            _head = head;
            _count = count;
            _rest = rest;
            _failure = failure;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_pos < _count)
            {
                int n = Math.Min(count, _count - _pos);
                Buffer.BlockCopy(_head, _pos, buffer, offset, n);
                _pos += n;
                return n;
            }
            if (_failure != null)
            {
                var e = _failure;
                _failure = null;
                throw e;
            }
            return _rest.Read(buffer, offset, count);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _rest.Dispose();
            base.Dispose(disposing);
        }
    }
}
