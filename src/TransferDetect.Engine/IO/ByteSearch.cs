using System;
#if NET8_0_OR_GREATER
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
#endif

namespace TransferDetect.Engine.IO;

/// <summary>
/// The search for a short byte string that the claims run on every record. The same answer as
/// <c>span.IndexOf(needle)</c>, from code of ours compiled optimized from its first call: the runtime's own
/// search, shared by the whole process, spends the first part of a scan in its profiling build, whose counters
/// cost more than the search itself while a scan is young.
/// </summary>
internal static class ByteSearch
{
    /// <summary>The first index of <paramref name="needle"/> (2 bytes or more) in <paramref name="haystack"/>, or -1.</summary>
#if NET8_0_OR_GREATER
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
#endif
    public static int IndexOf(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
#if NET8_0_OR_GREATER
        int last = needle.Length - 1;
        if (Vector256.IsHardwareAccelerated && last >= 1 && haystack.Length - last >= Vector256<byte>.Count)
        {
            // Candidates: the needle's first byte here and its last byte where it would end (the packed-pair search).
            var first = Vector256.Create(needle[0]);
            var end = Vector256.Create(needle[last]);
            ref byte start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(haystack);
            int stop = haystack.Length - last - Vector256<byte>.Count;
            int i = 0;
            while (true)
            {
                uint candidates = (Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i), first) &
                                   Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(i + last)), end)).ExtractMostSignificantBits();
                while (candidates != 0)
                {
                    int at = i + BitOperations.TrailingZeroCount(candidates);
                    if (Same(haystack.Slice(at + 1, last - 1), needle.Slice(1, last - 1))) return at;
                    candidates &= candidates - 1;
                }
                if (i == stop) return -1;
                // The last block may overlap the one before: its candidates there were already turned down.
                i = Math.Min(i + Vector256<byte>.Count, stop);
            }
        }
#endif
        return haystack.IndexOf(needle);
    }

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
}
