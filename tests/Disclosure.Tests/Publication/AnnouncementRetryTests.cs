using Disclosure.Announcements;
using Disclosure.Options;

namespace Disclosure.Tests.Publication;

public sealed class AnnouncementRetryTests
{
    [Fact]
    public void By_default_an_announcement_is_tried_through_a_day_of_mail_server_outage()
    {
        var tries = new DisclosureOptions().AnnounceMaxAttempts;
        var shortestWait = Enumerable.Range(1, tries - 1).Sum(a => 0.8 * AnnouncementSender.BackoffSeconds(a)); // jitter at its lowest
        Assert.True(shortestWait >= TimeSpan.FromHours(24).TotalSeconds, $"gives up after {TimeSpan.FromSeconds(shortestWait)}");
        Assert.Equal(600, AnnouncementSender.BackoffSeconds(tries)); // and never waits more than ten minutes
    }
}
