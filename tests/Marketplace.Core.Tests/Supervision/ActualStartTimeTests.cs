using Marketplace.Core.Supervision;
using static Marketplace.Core.Tests.Supervision.CaseBuilder;

namespace Marketplace.Core.Tests.Supervision;

/// <summary>§6.10 (seed 001, P48, seed 002): the order's validity starts at the actual start time.</summary>
public sealed class ActualStartTimeTests
{
    [Fact(DisplayName = "§6.10: the delivery's actual start time is kept through acceptance")]
    public void Given_start_time_wins()
    {
        var b = Open().ToSellerImplementing().WaitDays(20);
        var start = OrderedAt.AddDays(1);
        b.Deliver(actualStartTime: start).WaitDays(10).Accept();
        Assert.Equal(start, b.State.ActualStartTime);
        Assert.Equal(start, b.State.Deliveries.Single().ActualStartTime);
    }

    [Fact(DisplayName = "§6.10: without one, the acceptance time is the actual start time")]
    public void Acceptance_time_otherwise()
    {
        var b = Open().ToAcceptance().WaitDays(3).Accept();
        Assert.Equal(b.Now, b.State.ActualStartTime);
        Assert.Equal(b.State.AcceptedAt, b.State.ActualStartTime);
    }

    [Fact(DisplayName = "§6.10: a re-delivery's start time replaces the earlier one; a re-delivery without one keeps it")]
    public void Latest_given_start_time()
    {
        var b = Open().ToSellerImplementing().WaitDays(10);
        b.Deliver(actualStartTime: OrderedAt.AddDays(1)).Reject().Deliver(actualStartTime: OrderedAt.AddDays(2));
        Assert.Equal(OrderedAt.AddDays(2), b.State.ActualStartTime);
        b.Reject().Deliver().Accept();
        Assert.Equal(OrderedAt.AddDays(2), b.State.ActualStartTime);
    }

    [Fact(DisplayName = "§6.10: an actual start time in the future or before the order is 422")]
    public void Start_time_bounds()
    {
        var b = Open().ToSellerImplementing();
        var report = b.Upload();
        Expect.Validation(b.Try(new SubmitDelivery(Seller, [report], b.Now.AddMinutes(1))));
        Expect.Validation(b.Try(new SubmitDelivery(Seller, [report], OrderedAt.AddSeconds(-1))));
        Assert.False(b.Try(new SubmitDelivery(Seller, [report], OrderedAt)).IsRejected);
    }

    [Fact(DisplayName = "§6.10 + §6.2 #11: a case completed by the ops manager starts at the completion when nothing else is known")]
    public void Completion_by_ops()
    {
        var b = Open().ToSellerImplementing().WaitDays(6).Appeal(Buyer).Resolve(AppealOutcome.Complete);
        Assert.Equal(b.Now, b.State.ActualStartTime);
        Assert.Null(b.State.AcceptedAt);
    }
}
