using System;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;
using TransferDetect.Engine.Hosting;

namespace TransferDetect.Engine.IO;

/// <summary>
/// Decompresses a gzip file and, at its end, checks the gzip trailer (CRC-32 and length of the data).
/// .NET's GZipStream returns a truncated stream's data with no error at all, so without this check
/// a cut-off CloudTrail file would silently lose its last records.
/// </summary>
/// <remarks>
/// On .NET 8 and later the CRC-32 is not computed here: zlib (GZipStream on these runtimes) checks the
/// trailer's CRC-32 and length itself when it reaches the end of the member, and fails the read when they
/// differ (pinned by GzipAndFileTests). What it does not say is that it never reached the end: a stream
/// cut anywhere ends quietly. That is caught by comparing the decompressed length with the length in the
/// file's last four bytes, which, in a cut file, are compressed data or the CRC (a chance match is one
/// in 2^32). The CRC was a tenth of the scan's time. On .NET Framework (netstandard2.0) both are checked here.
/// The trailer checked is the file's last eight bytes, which describe a single-member gzip
/// file (what CloudTrail and Azure write). A multi-member file is decompressed in full, but its
/// trailer does not describe the whole data and is reported as a mismatch.</remarks>
internal sealed class VerifiedGzipStream : Stream
{
    private readonly Stream _compressed;
    private readonly GZipStream _gzip;
#if !NET8_0_OR_GREATER
    private readonly Crc32 _crc = new();
    private readonly uint _expectedCrc;
#endif
    private readonly uint _expectedLength;
    private readonly bool _trailerPresent;
    private readonly int _maxRatio;
    private readonly long _maxLength;
    private long _length;
    private bool _verified;

    /// <summary>No gzip bomb check below this much decompressed data: small files never trip it.</summary>
    public const long RatioCheckFloor = 64L << 20;

    /// <param name="maxRatio">Decompressed bytes allowed per compressed byte (past <see cref="RatioCheckFloor"/>).</param>
    public VerifiedGzipStream(Stream seekableCompressed, int maxRatio)
    {
        _compressed = seekableCompressed;
        _maxLength = Math.Max(RatioCheckFloor, seekableCompressed.Length * (long)Math.Max(1, maxRatio));
        _maxRatio = maxRatio;
        if (seekableCompressed.Length >= 18)
        {
            var trailer = new byte[8];
            seekableCompressed.Seek(-8, SeekOrigin.End);
            ReadExactly(seekableCompressed, trailer);
#if !NET8_0_OR_GREATER
            _expectedCrc = BitConverter.ToUInt32(trailer, 0);
#endif
            _expectedLength = BitConverter.ToUInt32(trailer, 4);
            _trailerPresent = true;
            if (!BitConverter.IsLittleEndian)
            {
#if !NET8_0_OR_GREATER
                _expectedCrc = ReverseBytes(_expectedCrc);
#endif
                _expectedLength = ReverseBytes(_expectedLength);
            }
        }
        seekableCompressed.Seek(0, SeekOrigin.Begin);
        _gzip = new GZipStream(seekableCompressed, CompressionMode.Decompress, leaveOpen: false);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n;
        try
        {
            n = _gzip.Read(buffer, offset, count);
        }
        catch (InvalidDataException e)
        {
            throw new InputFormatException(ReadIssueKind.CorruptCompression,
                $"the gzip data is damaged after {_length} decompressed byte(s) (zlib rejected the deflate data or the trailer's CRC-32 and length): {e.Message}");
        }
        if (n > 0)
        {
#if !NET8_0_OR_GREATER
            _crc.Append(new ReadOnlySpan<byte>(buffer, offset, n));
#endif
            _length += n;
            if (_length > _maxLength)
            {
                throw new InputFormatException(ReadIssueKind.CompressionRatioExceeded,
                    $"the gzip data expands more than {_maxRatio} times its {_compressed.Length:N0} compressed bytes " +
                    $"(a gzip bomb, not a log); reading stopped after {_length:N0} bytes");
            }
        }
        else if (count > 0)
        {
            Verify();
        }
        return n;
    }

    private void Verify()
    {
        if (_verified) return;
        _verified = true;
        if (!_trailerPresent)
        {
            throw new InputFormatException(ReadIssueKind.Truncated,
                $"the gzip file is too short ({_compressed.Length} byte(s)) to hold a complete stream");
        }
        uint length = unchecked((uint)_length);
#if NET8_0_OR_GREATER
        // zlib has checked the CRC-32 if it reached the trailer; a length that differs means it did not.
        if (length != _expectedLength)
        {
            throw new InputFormatException(ReadIssueKind.Truncated,
                $"the gzip stream is truncated or damaged: {_length} byte(s) decompressed, but the gzip trailer " +
                $"does not match them (length {length} vs {_expectedLength}); records after the damage are lost");
        }
#else
        uint crc = _crc.GetCurrentHashAsUInt32();
        if (crc != _expectedCrc || length != _expectedLength)
        {
            throw new InputFormatException(ReadIssueKind.Truncated,
                $"the gzip stream is truncated or damaged: {_length} byte(s) decompressed, but the gzip trailer " +
                $"does not match them (CRC-32 {crc:x8} vs {_expectedCrc:x8}, length {length} vs {_expectedLength}); " +
                "records after the damage are lost");
        }
#endif
    }

    private static void ReadExactly(Stream s, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = s.Read(buffer, read, buffer.Length - read);
            if (n == 0) throw new EndOfStreamException();
            read += n;
        }
    }

    private static uint ReverseBytes(uint v) =>
        (v >> 24) | ((v >> 8) & 0xFF00) | ((v << 8) & 0xFF0000) | (v << 24);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _gzip.Dispose();
        base.Dispose(disposing);
    }
}
