using System;

namespace TransferDetect.Engine.Live;

/// <summary>
/// How a live source retries a throttled or failed call (provider-neutral): the server's Retry-After when it
/// gives one, otherwise exponential back-off with full jitter, capped; then the call fails and is reported.
/// </summary>
public sealed class LiveRetryPolicy
{
    public static LiveRetryPolicy Default { get; } = new();

    /// <summary>Attempts of one call in all (default 5).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first back-off (default 0.5 s); it doubles with each attempt.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between attempts, Retry-After included (default 30 s).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    private readonly Random _random = new();

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1 (1-based attempt that failed).</summary>
    public TimeSpan DelayAfter(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is TimeSpan server && server >= TimeSpan.Zero) return server < MaxDelay ? server : MaxDelay;
        double ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        double jitter;
        lock (_random) jitter = _random.NextDouble();
        return TimeSpan.FromMilliseconds(ceiling / 2 + ceiling / 2 * jitter);
    }
}
