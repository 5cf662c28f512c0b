using System.Runtime.CompilerServices;

namespace TransferDetect.Engine;

/// <summary>
/// <c>[MethodImpl(Jit.Optimized)]</c> marks a method that runs once a record or more often: it is compiled optimized
/// at its first call. Left to tiering, such a method runs unoptimized code, then code that counts for profile-guided
/// optimization, for most of a first scan: the runtime waits for a pause in new compilations before it optimizes
/// anything, and a scan that has just begun compiles something new every few milliseconds. A runbook or a fresh
/// pwsh session scans once, so that first scan is the one that counts. On netstandard2.0 (.NET Framework, no
/// tiering) it is no option at all.
/// </summary>
internal static class Jit
{
#if NET8_0_OR_GREATER
    public const MethodImplOptions Optimized = MethodImplOptions.AggressiveOptimization;
#else
    public const MethodImplOptions Optimized = 0;
#endif
}
