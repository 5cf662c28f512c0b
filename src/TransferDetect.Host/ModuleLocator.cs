namespace TransferDetect.Host;

/// <summary>Finds the TransferDetect.psd1 to import.</summary>
internal static class ModuleLocator
{
    public const string EnvironmentVariable = "TRANSFERDETECT_MODULE";

    /// <summary>The given path, else $TRANSFERDETECT_MODULE, else out/TransferDetect/TransferDetect.psd1 above the host's folder.</summary>
    public static string? Find(string? given)
    {
        string? explicitPath = given ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            string full = Path.GetFullPath(explicitPath);
            if (Directory.Exists(full)) full = Path.Combine(full, "TransferDetect.psd1");
            return File.Exists(full) ? full : null;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "out", "TransferDetect", "TransferDetect.psd1");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
