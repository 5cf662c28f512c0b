using System;

namespace TransferDetect.Engine.Model;

/// <summary>An inclusive UTC time window; either end may be open.</summary>
public sealed class TimeWindow
{
    public static readonly TimeWindow All = new(null, null);

    public TimeWindow(DateTime? start, DateTime? end)
    {
        Start = start.HasValue ? ToUtc(start.Value) : null;
        End = end.HasValue ? ToUtc(end.Value) : null;
        if (Start.HasValue && End.HasValue && Start > End)
        {
            throw new ArgumentException($"The start of the time window ({Start:o}) is after its end ({End:o}).");
        }
    }

    public DateTime? Start { get; }
    public DateTime? End { get; }
    public bool IsUnbounded => !Start.HasValue && !End.HasValue;

    public bool Contains(DateTime utc) =>
        (!Start.HasValue || utc >= Start.Value) && (!End.HasValue || utc <= End.Value);

    /// <summary>Does the day range [firstDay, lastDay] (UTC dates) possibly hold records of the window?
    /// CloudTrail files land in the folder of their delivery day, up to a day after the event.</summary>
    public bool MayContainDeliveryDays(DateTime firstDay, DateTime lastDay)
    {
        if (Start.HasValue && lastDay < Start.Value.Date) return false;
        if (End.HasValue && firstDay > End.Value.Date.AddDays(1)) return false;
        return true;
    }

    /// <summary>Unspecified times are taken as local, as PowerShell's [datetime] casts make them.</summary>
    public static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        _ => value.ToUniversalTime(),
    };
}
