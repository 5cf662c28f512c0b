using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace TransferDetect.Engine.Live;

/// <summary>
/// A token bucket shared by every live source (provider-neutral): at most <c>rate</c> requests per second
/// on average, <c>burst</c> at once. Callers reserve a slot and wait the time it says.
/// </summary>
public sealed class LiveTokenBucket
{
    private readonly object _gate = new();
    private readonly double _ratePerSecond;
    private readonly double _burst;
    private readonly Func<TimeSpan> _clock;
    private double _tokens;
    private TimeSpan _last;

    public LiveTokenBucket(double ratePerSecond, int burst = 1, Func<TimeSpan>? clock = null)
    {
        if (ratePerSecond <= 0) throw new ArgumentOutOfRangeException(nameof(ratePerSecond));
        if (burst < 1) throw new ArgumentOutOfRangeException(nameof(burst));
        _ratePerSecond = ratePerSecond;
        _burst = burst;
        if (clock == null)
        {
            var watch = Stopwatch.StartNew();
            clock = () => watch.Elapsed;
        }
        _clock = clock;
        _tokens = burst;
        _last = _clock();
    }

    public double RatePerSecond => _ratePerSecond;

    /// <summary>Takes one token and returns how long the caller must wait before sending (zero when one was there).</summary>
    public TimeSpan Reserve()
    {
        lock (_gate)
        {
            var now = _clock();
            _tokens = Math.Min(_burst, _tokens + (now - _last).TotalSeconds * _ratePerSecond);
            _last = now;
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _ratePerSecond);
        }
    }

    /// <summary>Reserves a token and waits for it.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        var wait = Reserve();
        if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
    }
}
