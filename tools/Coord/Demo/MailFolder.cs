using MimeKit;

namespace Coord.Demo;

/// <summary>The mail sink's folder: the .eml files that appeared since this watcher was made, oldest first.</summary>
public sealed class MailFolder(DirectoryInfo directory)
{
    private readonly HashSet<string> seen = directory.Exists ? directory.GetFiles("*.eml").Select(f => f.Name).ToHashSet() : [];

    public string Path => directory.FullName;

    public IReadOnlyList<LandedMail> TakeNew()
    {
        directory.Refresh();
        if (!directory.Exists) return [];
        var fresh = new List<LandedMail>();
        foreach (var file in directory.GetFiles("*.eml").OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (!seen.Add(file.Name)) continue;
            var message = MimeMessage.Load(file.FullName);
            var rcpt = message.Headers.Where(h => h.Field == "X-MailSink-Rcpt").Select(h => h.Value.Trim()).ToList();
            fresh.Add(new LandedMail(file.Name, file.FullName, rcpt.Count > 0 ? string.Join(", ", rcpt) : message.To.ToString(), message.Subject ?? "", message));
        }
        return fresh;
    }
}
