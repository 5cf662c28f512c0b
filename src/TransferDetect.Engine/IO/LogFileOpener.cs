using System.IO;

namespace TransferDetect.Engine.IO;

/// <summary>Opens a log file for reading, decompressing gzip by its magic bytes (not its name).</summary>
internal static class LogFileOpener
{
    public const int FileBufferSize = 1 << 16;

    /// <summary>Decompressed bytes a gzip file may expand to, per compressed byte, before it is taken for a bomb.</summary>
    public const int DefaultMaxCompressionRatio = 200;

    public static Stream Open(string path, int maxCompressionRatio = DefaultMaxCompressionRatio)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            FileBufferSize, FileOptions.SequentialScan);
        try
        {
            if (file.Length >= 2)
            {
                int b0 = file.ReadByte();
                int b1 = file.ReadByte();
                file.Seek(0, SeekOrigin.Begin);
                if (b0 == 0x1f && b1 == 0x8b)
                {
                    return new VerifiedGzipStream(file, maxCompressionRatio);
                }
            }
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
