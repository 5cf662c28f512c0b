namespace TransferDetect.Engine.Reports;

/// <summary>Limits and labels of the HTML report. The defaults suit a case file of any size.</summary>
public sealed class HtmlReportOptions
{
    /// <summary>The page's heading (and title). Not taken from any log.</summary>
    public string Title { get; init; } = "TransferDetect report";

    /// <summary>Rows of the timeline: the grantees with the most severe and the most shares; the rest share one last row.</summary>
    public int MaxChartGrantees { get; init; } = 25;

    /// <summary>Marks per timeline row before shares close in time are merged into one mark that counts them.</summary>
    public int MaxMarksPerGrantee { get; init; } = 150;

    /// <summary>Distinct grantees followed for the timeline; shares to grantees first seen after that go to the last row.</summary>
    public int MaxTrackedGrantees { get; init; } = 1000;

    /// <summary>Distinct input files counted for the summary (the 20 with the most findings are listed).</summary>
    public int MaxTrackedSources { get; init; } = 1000;

    /// <summary>Folder for the temporary files the table rows are spooled to; the system temp folder when null.</summary>
    public string? TempDirectory { get; init; }
}
