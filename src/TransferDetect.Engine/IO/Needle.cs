using System;
#if NET8_0_OR_GREATER
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
#endif

namespace TransferDetect.Engine.IO;

/// <summary>
/// A short byte string that the claims and the splitter look for in every record (a key such as
/// <c>ventName"</c> or <c>"operationName"</c>). The search first finds two of its bytes at their distance,
/// 64 places a step, and compares the whole string only where both are; the two are the rarest of the
/// string in log text (<see cref="Ranks"/>), picked once, as the memchr crate picks them. The runtime's
/// <c>IndexOf</c> (and this project's search before) takes the first and last bytes: for a quoted key that is a
/// quote and a lower-case letter, and for <c>ventName"</c> a 'v' with a quote 8 bytes on, which eventTime" and
/// eventType" have too; each such meeting is a comparison and a mispredicted branch. The answer is always that
/// of <c>span.IndexOf(bytes)</c>.
/// </summary>
internal sealed class Needle
{
    private readonly byte[] _bytes;

    public Needle(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2) throw new ArgumentException("A needle has two bytes or more.", nameof(bytes));
        _bytes = bytes.ToArray();
        (First, Second) = RarestPair(bytes);
    }

    public ReadOnlySpan<byte> Bytes => _bytes;

    public int Length => _bytes.Length;

    /// <summary>The offset of the rarer of the two bytes searched for first (the smaller offset when they tie).</summary>
    public int First { get; }

    /// <summary>The offset of the other: the rarest byte at another offset, preferring another value than <see cref="First"/>'s.</summary>
    public int Second { get; }

    /// <summary>The two offsets: the rarest byte, then the rarest at another offset whose value differs if the string has two values.</summary>
    internal static (int First, int Second) RarestPair(ReadOnlySpan<byte> bytes)
    {
        var ranks = Ranks;
        int first = 0;
        for (int i = 1; i < bytes.Length; i++)
        {
            if (ranks[bytes[i]] < ranks[bytes[first]]) first = i;
        }
        int second = -1;
        for (int i = 0; i < bytes.Length; i++)
        {
            if (i == first) continue;
            if (second < 0) second = i;
            // The same value twice finds the same places twice: another value, when there is one, filters more.
            bool iDiffers = bytes[i] != bytes[first], secondDiffers = bytes[second] != bytes[first];
            if (iDiffers != secondDiffers)
            {
                if (iDiffers) second = i;
            }
            else if (ranks[bytes[i]] < ranks[bytes[second]])
            {
                second = i;
            }
        }
        return (first, second);
    }

    /// <summary>The first index of the needle in <paramref name="haystack"/>, or -1.</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public int IndexOf(ReadOnlySpan<byte> haystack)
    {
#if NET8_0_OR_GREATER
        int last = _bytes.Length - 1;
        if (Vector256.IsHardwareAccelerated && haystack.Length - last >= Vector256<byte>.Count)
        {
            nint a = First, b = Second;
            var first = Vector256.Create(_bytes[a]);
            var second = Vector256.Create(_bytes[b]);
            ref byte start = ref MemoryMarshal.GetReference(haystack);
            // A candidate at i + 31 still has the whole needle inside the haystack.
            nint stop = haystack.Length - last - Vector256<byte>.Count;
            nint i = 0;
            // Two blocks a step while they fit: one branch per 64 bytes.
            for (; i + Vector256<byte>.Count <= stop; i += 2 * Vector256<byte>.Count)
            {
                var low = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(i + a)), first) &
                          Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(i + b)), second);
                var high = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(i + Vector256<byte>.Count + a)), first) &
                           Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(i + Vector256<byte>.Count + b)), second);
                if ((low | high) != Vector256<byte>.Zero)
                {
                    int at = Verify(haystack, low.ExtractMostSignificantBits(), (int)i);
                    if (at < 0) at = Verify(haystack, high.ExtractMostSignificantBits(), (int)i + Vector256<byte>.Count);
                    if (at >= 0) return at;
                }
            }
            while (true)
            {
                // The last block may overlap the one before: its candidates there were already turned down.
                if (i > stop) i = stop;
                var both = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(i + a)), first) &
                           Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(i + b)), second);
                if (both != Vector256<byte>.Zero)
                {
                    int at = Verify(haystack, both.ExtractMostSignificantBits(), (int)i);
                    if (at >= 0) return at;
                }
                if (i == stop) return -1;
                i += Vector256<byte>.Count;
            }
        }
#endif
        return haystack.IndexOf(_bytes);
    }

#if NET8_0_OR_GREATER
    /// <summary>The first candidate (a bit per offset from <paramref name="block"/>) where the whole needle is, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Verify(ReadOnlySpan<byte> haystack, uint candidates, int block)
    {
        ReadOnlySpan<byte> needle = _bytes;
        while (candidates != 0)
        {
            int at = block + BitOperations.TrailingZeroCount(candidates);
            if (Same(haystack.Slice(at, needle.Length), needle)) return at;
            candidates &= candidates - 1;
        }
        return -1;
    }
#endif

    /// <summary>Do two short byte strings hold the same bytes? (Names and keys: a loop, no call into the runtime.)</summary>
#if NET8_0_OR_GREATER
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
#endif
    public static bool Same(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i]) return false;
        }
        return true;
    }

    /// <summary>Does <paramref name="haystack"/> hold the needle?</summary>
    public bool In(ReadOnlySpan<byte> haystack) => IndexOf(haystack) >= 0;

    /// <summary>Does <paramref name="haystack"/> hold any of the needles?</summary>
    [System.Runtime.CompilerServices.MethodImpl(Jit.Optimized)]
    public static bool AnyIn(Needle[] needles, ReadOnlySpan<byte> haystack)
    {
        foreach (var needle in needles)
        {
            if (needle.In(haystack)) return true;
        }
        return false;
    }

    public override string ToString() => System.Text.Encoding.UTF8.GetString(_bytes);

    /// <summary>
    /// The rank table of the files under <paramref name="dir"/>: each byte ranked by its share of them (0 the rarest;
    /// ties by value), every folder directly under <paramref name="dir"/> weighing the same, so that one source's
    /// pretty-printed or CSV files do not outweigh the others. <see cref="Ranks"/> is this of the shared data.
    /// </summary>
    internal static byte[] RanksOf(string dir)
    {
        var share = new double[256];
        var sources = System.IO.Directory.GetDirectories(dir);
        Array.Sort(sources, StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var counts = new long[256];
            long total = 0;
            foreach (var f in System.IO.Directory.GetFiles(source, "*", System.IO.SearchOption.AllDirectories))
            {
                foreach (byte b in System.IO.File.ReadAllBytes(f)) counts[b]++;
            }
            foreach (long c in counts) total += c;
            if (total == 0) continue;
            for (int b = 0; b < 256; b++) share[b] += (double)counts[b] / total;
        }
        var order = new int[256];
        for (int b = 0; b < 256; b++) order[b] = b;
        Array.Sort(order, (x, y) => share[x] != share[y] ? share[x].CompareTo(share[y]) : x.CompareTo(y));
        var rank = new byte[256];
        for (int r = 0; r < 256; r++) rank[order[r]] = (byte)r;
        return rank;
    }

    /// <summary>
    /// Each byte's rank in log text, 0 the rarest: from the public CloudTrail, Azure, Microsoft 365 and GCP records
    /// of the team's shared data, each source weighing the same (<c>bench byte-ranks &lt;dir&gt;</c> prints it).
    /// Bytes that never occurred there (controls, non-ASCII) rank rarest. Only the order matters, so a
    /// corpus of another mix moves the choice little: a quote, 'e' or ':' is common in any log.
    /// </summary>
    internal static ReadOnlySpan<byte> Ranks => new byte[]
    {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 220, 10, 11, 170, 12, 13,
        14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
        255, 30, 254, 163, 164, 167, 166, 216, 171, 172, 169, 175, 240, 241, 230, 219,
        245, 242, 238, 232, 235, 231, 223, 227, 229, 228, 248, 173, 177, 168, 176, 165,
        180, 224, 187, 209, 206, 207, 190, 196, 194, 226, 182, 189, 195, 202, 204, 203,
        205, 181, 200, 221, 217, 201, 191, 192, 185, 183, 193, 178, 188, 179, 31, 208,
        32, 251, 225, 246, 239, 253, 222, 214, 213, 243, 184, 198, 236, 234, 244, 247,
        233, 186, 249, 250, 252, 237, 215, 212, 199, 218, 197, 210, 174, 211, 33, 34,
        35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50,
        51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66,
        67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82,
        83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98,
        99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114,
        115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130,
        131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146,
        147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162,
    };
}
