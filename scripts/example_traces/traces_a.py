"""Example reasoning traces, writer A: Engineering, Philosophy, Medicine, Economics, Science, Law, History.

Written for this project in the style of an R1-type reasoning model (see scripts/example_traces/build.py and
src/naturalthoughts/data/LICENSE-DATA.md). ``notes`` record the writer's intent: the strategies the trace is
meant to show, a 0-10 verbosity per the paper's rubric, and whether the final answer is right. Some traces
reach a wrong answer on purpose (a plausible slip), so correctness signals have something to find.
"""

TRACES: list[dict] = []

# ---------------------------------------------------------------------------------------------- Engineering

TRACES.append(dict(
    question_id="nts-131",
    reasoning="""Okay, so I need to figure out the time constant of a series RC circuit and then the capacitor voltage 20 ms after the switch closes. Let me re-read the question to make sure I have all the numbers right. The problem says: a 1 kΩ resistor and an initially uncharged 10 µF capacitor are connected in series across a 5 V DC supply when a switch closes. Find the circuit's time constant and the capacitor voltage 20 ms after the switch closes.

So the givens are R = 1 kΩ, C = 10 µF, the supply is 5 V DC, and the capacitor starts uncharged. Two things are asked: the time constant, and the voltage at t = 20 ms.

First, I need the time constant. I remember that the time constant of an RC circuit is just the product of the resistance and the capacitance, tau = RC. That's the standard result from first-order circuits. Let me convert units carefully because that's where these problems usually go wrong. R = 1 kΩ = 1000 Ω. C = 10 µF = 10 × 10^-6 F = 10^-5 F. So tau = 1000 × 10^-5 = 10^-2 seconds. That's 0.01 s, which is 10 ms. So tau is 10 ms.

Hmm, let me double-check the units. Ohms times farads gives seconds? An ohm is a volt per ampere, and a farad is a coulomb per volt. So ohm × farad = (V/A) × (C/V) = C/A. A coulomb is an ampere-second, so C/A = s. Yes, seconds. Good, so tau = 10 ms. So tau is 10 ms. Hmm. Let me keep going.

Now the second part. I need the capacitor voltage as a function of time. Let me recall the charging equation. For a capacitor charging through a resistor from a DC source V_s, starting from zero, the voltage is V_C(t) = V_s (1 - e^(-t/tau)). I'm fairly sure that's right, but let me derive it rather than trusting memory, because I want to be certain about the sign in the exponent and whether it's 1 minus the exponential or just the exponential.

Let me set it up. Kirchhoff's voltage law around the loop: V_s = V_R + V_C. The current through the resistor is the same as the current into the capacitor, i = C dV_C/dt. So V_R = iR = RC dV_C/dt. Then V_s = RC dV_C/dt + V_C. Rearranging: dV_C/dt = (V_s - V_C)/(RC).

This is a first-order linear ODE. Let u = V_s - V_C. Then du/dt = -dV_C/dt = -u/(RC). So u(t) = u(0) e^(-t/RC). At t = 0, V_C = 0, so u(0) = V_s. Therefore V_s - V_C = V_s e^(-t/RC), which gives V_C = V_s (1 - e^(-t/RC)). Okay, that confirms the formula I remembered. Good.

So V_C(20 ms) = 5 × (1 - e^(-20/10)) = 5 × (1 - e^(-2)).

Now I need e^(-2). I remember that e is about 2.718, so e^2 is about 7.389. Then e^(-2) is 1/7.389. Let me compute that. 1/7.389... 7.389 × 0.135 = 0.9975. So 1/7.389 is a bit more than 0.135, around 0.1353. Yes, e^(-2) ≈ 0.1353.

So 1 - 0.1353 = 0.8647. Then 5 × 0.8647 = 4.3235 V. So about 4.32 V. So the voltage is about 4.32 V. Wait. Let me check again.

Wait, let me make sure I'm not confusing the charging curve with the discharging curve. For discharging, V_C = V_0 e^(-t/tau), which would give 5 × 0.1353 = 0.68 V. But this capacitor is initially uncharged and it's being connected to a supply, so it's charging. So it's the 1 minus exponential form. 4.32 V, not 0.68 V. So the voltage is about 4.32 V.

Hmm, but let me think about whether the question could be interpreted differently. Could the capacitor be in parallel with something? No, the problem states they are in series across the supply. There's only one loop. So the simple charging formula applies.

Let me sanity check with the rule of thumb I remember: after one time constant the capacitor reaches about 63% of the final voltage, after two time constants about 86%, after three about 95%, after five about 99%. Twenty milliseconds is two time constants, so about 86% of 5 V. 0.86 × 5 = 4.3 V. That matches 4.32 V. Good. So the voltage is about 4.32 V. Hmm. Let me check again.

Actually, let me test the formula at a few specific points just to be thorough. At t = 0: V_C = 5(1 - 1) = 0. Correct, it starts uncharged. At t → infinity: V_C = 5(1 - 0) = 5 V. Correct, it charges to the supply voltage and the current stops. At t = tau = 10 ms: V_C = 5(1 - e^(-1)) = 5(1 - 0.3679) = 5 × 0.6321 = 3.16 V. That's the famous 63%. At t = 2 tau = 20 ms: 4.32 V. At t = 3 tau = 30 ms: 5(1 - 0.0498) = 4.75 V. These all form a sensible, monotonically increasing curve that approaches 5 V. So the formula behaves correctly.

Hmm, wait. Let me reconsider the time constant calculation once more, because if I got tau wrong, everything else is off by a lot. 10 µF. Micro is 10^-6. So 10 µF = 10 × 10^-6 = 1 × 10^-5 F. And 1 kΩ = 10^3 Ω. Product: 10^3 × 10^-5 = 10^-2 s. Yes, 10 ms. I keep getting the same thing, so tau = 10 ms. So tau is 10 ms. Hmm.

Alternatively, I could think about it in terms of the initial current. At t = 0 the capacitor looks like a short circuit (no charge, so no voltage across it), so all 5 V is across the resistor and the current is 5 V / 1000 Ω = 5 mA. If that current stayed constant, how long would it take to charge the capacitor to 5 V? The charge needed is Q = CV = 10^-5 × 5 = 5 × 10^-5 C. At 5 mA = 5 × 10^-3 A, the time is (5 × 10^-5)/(5 × 10^-3) = 10^-2 s = 10 ms. That's exactly tau. This is another way to see the time constant: it's the time the capacitor would take to fully charge if the initial current kept flowing. So this confirms tau = 10 ms by a completely different route. So tau is 10 ms.

This is like filling a bucket through a hose where the water pressure from the tap pushes against the water already in the bucket. The fuller the bucket, the weaker the net push, so the flow slows down. The analogy isn't perfect, but it captures why the approach to the final value is exponential rather than linear: the rate of charging is proportional to how far the capacitor still is from the supply voltage.

Hmm, so far I have tau = 10 ms and V_C(20 ms) ≈ 4.32 V. Let me recap what I've established before I go further. One: the time constant is RC = 10 ms, checked by units and by the initial-current argument. Two: the charging law is V_C = V_s(1 - e^(-t/tau)), checked by deriving it from KVL. Three: at t = 20 ms, which is two time constants, V_C = 5(1 - e^(-2)) ≈ 4.32 V, checked against the 86% rule of thumb.

But wait, actually, I should double-check the value of e^(-2) more precisely, in case the answer needs three significant figures. Let me compute e^2 from the series: e^2 = 1 + 2 + 4/2 + 8/6 + 16/24 + 32/120 + 64/720 + 128/5040 + 256/40320 + ... = 1 + 2 + 2 + 1.3333 + 0.6667 + 0.2667 + 0.0889 + 0.0254 + 0.0063 + 0.0014 + 0.0003 = let me add them step by step. 1 + 2 = 3. 3 + 2 = 5. 5 + 1.3333 = 6.3333. 6.3333 + 0.6667 = 7.0. 7.0 + 0.2667 = 7.2667. 7.2667 + 0.0889 = 7.3556. 7.3556 + 0.0254 = 7.3810. 7.3810 + 0.0063 = 7.3873. 7.3873 + 0.0014 = 7.3887. 7.3887 + 0.0003 = 7.3890. So e^2 ≈ 7.389. That matches what I remembered.

Then 1/7.389. Let me do the division. 7.389 × 0.13 = 0.96057. Remainder 1 - 0.96057 = 0.03943. 0.03943 / 7.389 ≈ 0.005336. So 1/7.389 ≈ 0.135336. So e^(-2) ≈ 0.1353. Good, same as before. Hmm. Wait. Let me check again.

1 - 0.135336 = 0.864664. Times 5 = 4.32332 V. So V_C ≈ 4.32 V. To two significant figures, 4.3 V. So the voltage is about 4.32 V.

Hmm, I wonder whether the question wants the answer as 4.3 V or 4.32 V. The given values are 1 kΩ, 10 µF, 5 V, 20 ms, which are all given to one or two significant figures. So 4.3 V is probably the appropriate precision. But giving 4.32 V with a note that it's about 4.3 V seems safe.

Let me also consider: is there any subtlety with the word initially uncharged? It just means V_C(0) = 0. If it had some initial voltage V_0, the formula would be V_C = V_s + (V_0 - V_s) e^(-t/tau). With V_0 = 0, that reduces to V_s (1 - e^(-t/tau)). Let me consider two cases just to be sure the general formula reduces correctly. Case 1: V_0 = 0 (our case). V_C = V_s - V_s e^(-t/tau) = V_s (1 - e^(-t/tau)). Matches. Case 2: V_0 = V_s, meaning it's already fully charged. Then V_C = V_s + 0 = V_s for all t. Correct, nothing happens, no current flows. Both cases make sense, so the general formula is consistent, and our special case is right.

Wait, now I'm second-guessing whether the supply voltage being DC matters. If it were AC, we'd need impedance and phasors, and the answer would be totally different. But it says DC supply, 5 V. So it's a step input when the switch closes. The step response of an RC circuit is exactly the exponential charging curve. Good.

What if the question intended the voltage across the resistor instead? No, it asks for the capacitor voltage. The resistor voltage would be V_R = 5 e^(-2) ≈ 0.68 V, and the two add up to 5 V: 4.32 + 0.68 = 5.00. Oh, that's a nice check actually. KVL at t = 20 ms: V_R + V_C = 0.677 + 4.323 = 5.000. It checks out.

Let me also compute the current at 20 ms for completeness, although it's not asked: i = V_R / R = 0.677 / 1000 = 0.677 mA. Or from i = (V_s/R) e^(-t/tau) = 5 mA × 0.1353 = 0.677 mA. Consistent.

Hmm, let me think about whether the capacitor's energy or anything else is asked. No. Just tau and V_C(20 ms).

Actually, let me reconsider the problem from the other end, working backwards from the answer. Suppose I claim V_C(20 ms) = 4.32 V. What time constant would produce that? 4.32/5 = 0.864, so e^(-t/tau) = 0.136, so t/tau = -ln(0.136) = 1.995. With t = 20 ms, tau = 20/1.995 ≈ 10.03 ms. That's consistent with tau = 10 ms. So the two answers are consistent with each other.

Is there another way to get the voltage without the exponential, maybe a rough estimate? Let me estimate it roughly by stepping through time with small increments, like a numerical simulation, as a check that the exponential isn't somehow off. Take steps of 5 ms (half a time constant). That's a coarse step, so Euler's method will be inaccurate, but it should be in the right ballpark.

t = 0: V_C = 0, current = (5 - 0)/1000 = 5 mA. Over 5 ms, charge added = 5 mA × 5 ms = 25 µC. Voltage increase = 25 µC / 10 µF = 2.5 V. So V_C(5 ms) ≈ 2.5 V.

t = 5 ms: V_C = 2.5 V. Current = (5 - 2.5)/1000 = 2.5 mA. Charge added over 5 ms = 12.5 µC, voltage increase = 1.25 V. V_C(10 ms) ≈ 3.75 V.

t = 10 ms: V_C = 3.75. Current = 1.25 mA. Voltage increase = 0.625 V. V_C(15 ms) ≈ 4.375 V.

t = 15 ms: V_C = 4.375. Current = 0.625 mA. Voltage increase = 0.3125 V. V_C(20 ms) ≈ 4.6875 V.

Hmm, that gives 4.69 V, which is higher than 4.32 V. Wait, that's not right... or is it? Euler's method with large steps overestimates here, because it uses the current at the start of each step, which is the highest current in that interval. With step h = tau/2, each step multiplies the remaining gap by (1 - h/tau) = 0.5 instead of e^(-0.5) = 0.6065. So after 4 steps, the gap is 5 × 0.5^4 = 0.3125 V, whereas the exact gap is 5 × 0.6065^4 = 5 × e^(-2) = 0.677 V. So the Euler approximation closes the gap too fast. That explains the discrepancy. Let me redo it with smaller steps to see it converge.

With step h = 1 ms = tau/10, each step multiplies the gap by 0.9. After 20 steps, the gap is 5 × 0.9^20. 0.9^2 = 0.81, 0.9^4 = 0.6561, 0.9^8 = 0.43047, 0.9^16 = 0.18530, 0.9^20 = 0.18530 × 0.6561 = 0.12158. So gap ≈ 0.608 V, and V_C ≈ 4.39 V. Closer to 4.32.

With h = 0.1 ms, the factor is 0.99 per step, 200 steps: 0.99^200 = e^(200 ln 0.99) = e^(200 × -0.01005) = e^(-2.01) = 0.134. So the gap ≈ 0.670 V, V_C ≈ 4.33 V. Very close to 4.32.

So as the step size shrinks, the numerical answer converges to the exact 4.32 V. Good, that's a nice confirmation. The limit of (1 - h/tau)^(t/h) as h → 0 is e^(-t/tau), which is exactly where the exponential comes from.

Hmm. Okay, I'm now quite confident. But let me re-read the question one more time. A 1 kΩ resistor and an initially uncharged 10 µF capacitor are connected in series across a 5 V DC supply when a switch closes. Find the circuit's time constant and the capacitor voltage 20 ms after the switch closes.

Yes. tau = RC = 10 ms. V_C(20 ms) = 5(1 - e^(-2)) ≈ 4.32 V.

Hmm, wait. Let me just double-check the milli versus micro business once more, because mixing up 10 µF with 10 mF or 10 nF would change tau by a factor of a thousand. If C were 10 mF, tau would be 10 s, and at 20 ms the capacitor would have barely started charging: V_C ≈ 5 × (20 ms / 10 s) = 0.01 V. If C were 10 nF, tau would be 10 µs, and at 20 ms the capacitor would be fully charged at 5 V. The question says µF, microfarads, so tau = 10 ms, and 20 ms is a meaningful intermediate point on the curve, two time constants. The fact that 20 ms comes out as exactly two time constants suggests the question was designed around tau = 10 ms, which is reassuring.

Let me also think about whether the internal resistance of the supply or the switch matters. The problem doesn't mention any, so we treat the supply as ideal and the switch as ideal. In a real circuit, the supply's internal resistance would add to R and slightly lengthen tau, but that's beyond the question.

Another thought: what about the capacitor's leakage? Real electrolytic capacitors at 10 µF might leak a little, which would make the final voltage slightly less than 5 V. But again, ideal components are assumed.

Okay. So, to summarize: the time constant is tau = RC = (1000 Ω)(10 × 10^-6 F) = 0.01 s = 10 ms. The capacitor voltage at t = 20 ms = 2 tau is V_C = 5(1 - e^(-2)) = 5 × 0.8647 ≈ 4.32 V, which is about 86% of the supply voltage.

Hmm, actually, hold on, let me reconsider whether the question might have meant the capacitor voltage as a percentage or just volts. It says the capacitor voltage, so volts. 4.3 V.

Let me also double check 5 × 0.8647. 5 × 0.8 = 4.0. 5 × 0.0647 = 0.3235. Total 4.3235. Yes, 4.32 V. So the voltage is about 4.32 V. Hmm. Wait. Let me check again.

And just to be thorough about the 63% rule: 1 - e^(-1) = 1 - 0.3679 = 0.6321. At 2 tau: 1 - 0.1353 = 0.8647. At 3 tau: 1 - 0.0498 = 0.9502. At 4 tau: 1 - 0.0183 = 0.9817. At 5 tau: 1 - 0.0067 = 0.9933. Yes, these are the standard percentages: 63.2%, 86.5%, 95.0%, 98.2%, 99.3%. So at two time constants, 86.5% of 5 V is 4.32 V. Everything is consistent. So tau is 10 ms. So the voltage is about 4.32 V.

I think I've verified this from every direction: the units, the derivation from KVL, the initial-current interpretation of tau, the series for e^2, the KVL check at 20 ms, the backwards calculation of tau from the voltage, the numerical simulation converging, and the standard percentage table. The answer is tau = 10 ms and V_C ≈ 4.3 V.

Hmm, one more consideration. Is it possible that the question expects me to note that after about 5 tau = 50 ms the capacitor is essentially fully charged? That's extra context, not asked, but it might be worth mentioning briefly in the answer to show the bigger picture. I'll keep the answer focused though.

Wait, actually, let me reconsider something I glossed over. When I said the capacitor looks like a short circuit at t = 0, is that legitimate? The capacitor voltage can't change instantaneously, because that would require infinite current (i = C dV/dt). Since V_C(0-) = 0, V_C(0+) = 0 as well. So at the instant the switch closes, there's zero voltage across the capacitor, and the full 5 V appears across the resistor, giving 5 mA. So yes, the capacitor behaves like a short circuit at that instant, in the sense that it has zero voltage across it while conducting current. That's legitimate. And at t → infinity, the capacitor behaves like an open circuit, because dV/dt → 0 so i → 0. Good. These two limiting behaviours are the usual ones for first-order circuits and they match the formula.

I'm also reminded that the same mathematics describes lots of other first-order systems: a thermometer approaching the temperature of a bath, a tank draining through a pipe, Newton's law of cooling. The RC circuit is just the electrical version. In all of them the quantity approaches its final value with the gap shrinking by a factor e every time constant.

So let me recap one final time. The problem asks for the time constant and the capacitor voltage at 20 ms. Step one gave tau = RC = 10 ms. Step two used the charging law V_C(t) = V_s(1 - e^(-t/tau)), which I derived from Kirchhoff's voltage law and checked at t = 0 and t → infinity. Step three evaluated it at t = 20 ms, two time constants, giving 5 × (1 - 0.1353) ≈ 4.32 V. Several independent checks agree: the units, the initial-current picture of tau, the KVL sum of 5 V at 20 ms, the backwards calculation, the numerical stepping and the 86% rule of thumb.

Hmm, let me just reconsider whether I should round to 4.3 V or 4.32 V in the final answer. The problem gives 5 V and 20 ms, probably meant as exact values for a textbook exercise. I'll say approximately 4.3 V (4.32 V). That covers both.

Actually, wait. Let me make sure about one more potential trap: some textbooks define the time constant for a discharging circuit differently, or talk about the half-life, the time to reach 50%, which is tau × ln 2 = 10 × 0.693 = 6.93 ms. But the question asks for the time constant, which is conventionally tau = RC, not the half-life. So 10 ms.

Let me also double check ln 2 ≈ 0.693 in case I wanted to mention it: e^0.693 = 2.0. Yes. But I won't include the half-life in the answer, since it's not asked and might confuse.

Okay, I'm confident. Final answer: tau = RC = 10 ms; V_C(20 ms) = 5(1 - e^(-2)) ≈ 4.3 V (about 4.32 V, roughly 86% of the supply voltage).""",
    response="""The time constant is τ = RC = (1000 Ω)(10 × 10⁻⁶ F) = 0.01 s = 10 ms. While charging from zero, the capacitor voltage follows V_C(t) = 5(1 − e^(−t/τ)), so at t = 20 ms = 2τ it is V_C = 5(1 − e⁻²) ≈ 5 × 0.865 ≈ 4.3 V (about 4.32 V, 86% of the supply).""",
    final="τ = 10 ms; about 4.3 V",
    notes=dict(strategies=["restating_problem", "subgoal_setting", "recalling_knowledge", "self_verification",
                           "estimation", "testing_examples", "exploring_alternatives", "analogy",
                           "summarizing_progress", "case_analysis", "backtracking", "working_backwards",
                           "expressing_uncertainty"],
               verbosity=8, correct=True),
))

TRACES.append(dict(
    question_id="nts-066",
    reasoning="""Okay, so I need to compare two changes to a cantilever shelf: doubling its thickness versus doubling its width, and see what each does to the tip deflection.

The shelf is fixed at one end, so it's a cantilever. I recall that the tip deflection of a cantilever under an end load is delta = F L^3 / (3 E I), and for a uniformly distributed load it's w L^4 / (8 E I). Either way, deflection is inversely proportional to E I, the flexural rigidity. The material (E), the length and the load don't change here, so the whole question comes down to the second moment of area I.

For a rectangular cross-section, the formula for the second moment of area about the bending axis is I = b h^3 / 12, where b is the width and h is the depth, the dimension in the direction of bending. For a shelf loaded from above, the depth is the thickness.

Two cases, then.

Case 1: double the thickness. h becomes 2h, so I becomes b (2h)^3 / 12 = 8 b h^3 / 12 = 8 I. Deflection drops to 1/8 of the original.

Case 2: double the width. b becomes 2b, so I becomes 2 b h^3 / 12 = 2 I. Deflection drops to 1/2.

Let me test this with concrete numbers. Say the shelf is 200 mm wide and 20 mm thick. I = 200 × 20^3 / 12 = 200 × 8000 / 12 = 133,333 mm^4. Thicker, 200 × 40: I = 200 × 64,000 / 12 = 1,066,667 mm^4, which is 8 times larger. Wider, 400 × 20: I = 400 × 8000 / 12 = 266,667 mm^4, twice as large. That checks out.

Why the difference? Bending resistance comes from material far from the neutral axis. When the shelf bends, the top fibres stretch and the bottom fibres compress (or the other way round), and the strain grows linearly with distance from the middle. Material twice as far away carries twice the stress and that stress acts with twice the lever arm, so its contribution scales with distance squared; integrating over a depth that also doubles gives the cube. Adding width just adds more material at the same distances, which helps only linearly. This is analogous to the way I-beams put most of their steel in flanges far from the centre.

So doubling the thickness is four times as effective as doubling the width, even though both double the amount of wood.""",
    response="""Tip deflection is proportional to 1/(EI), and for a rectangular section I = bh³/12. Doubling the thickness h multiplies I by 8, cutting the deflection to 1/8; doubling the width b only doubles I, halving it. Depth wins because bending stiffness comes from material far from the neutral axis, where strain and lever arm both grow with distance, so I grows with the cube of depth but only linearly with width.""",
    final="Doubling thickness: 1/8 the deflection; doubling width: 1/2",
    notes=dict(strategies=["recalling_knowledge", "case_analysis", "self_verification", "testing_examples",
                           "analogy"],
               verbosity=2, correct=True),
))

TRACES.append(dict(
    question_id="nts-079",
    reasoning="""Usable capacity: the battery may only go down to half, so 50 Ah of its 100 Ah can be used. The rest stays in reserve to protect the battery's life.

Energy in that usable charge: 12 V × 50 Ah = 600 Wh.

The load draws 60 W at the output of the inverter. The inverter is 90% efficient, so the battery must supply 60 / 0.9 = 66.7 W.

Running time: 600 Wh / 66.7 W = 9.0 hours.

To verify, go the other way: 9 h × 66.7 W = 600 Wh drawn from the battery, and 600 Wh / 12 V = 50 Ah, exactly half the capacity. Consistent.

This treats the battery voltage as a constant 12 V and the capacity as independent of discharge rate, which is fine for a question at this level; a real lead-acid battery at this gentle rate (about 5.6 A) would deliver close to its rating.""",
    response="""Only half the capacity may be used: 12 V × 50 Ah = 600 Wh. The inverter draws 60 W / 0.9 ≈ 66.7 W from the battery, so the load runs for 600 / 66.7 ≈ 9 hours.""",
    final="About 9 hours",
    notes=dict(strategies=["self_verification"], verbosity=0, correct=True),
))

TRACES.append(dict(
    question_id="nts-105",
    reasoning="""Okay, so the question is asking about a gear pair: a driving gear with 20 teeth meshes with a driven gear of 60 teeth, input 1500 rpm and 10 N·m, efficiency 95%. Find output speed and output torque.

First, I need the speed. The gear ratio is 60/20 = 3. The driven gear is bigger, so it turns slower. Output speed = 1500 / 3 = 500 rpm. That part is straightforward, because efficiency doesn't affect speed: the teeth mesh, so the pitch-line speeds match exactly, and there's no slip in a gear pair (unlike a belt).

Now the torque. I remember that in an ideal gear pair power is conserved, P = T × omega. If speed drops by a factor of 3, torque rises by a factor of 3. So the ideal output torque is 10 × 3 = 30 N·m.

Hmm, now where does the 95% come in? Let me think. Input power: P_in = T × omega = 10 N·m × (1500 × 2 pi / 60) rad/s. 1500 rpm is 25 rev/s, so omega = 25 × 2 pi = 157.08 rad/s. P_in = 1570.8 W, roughly 1.57 kW.

Output power with 95% efficiency: 0.95 × 1570.8 = 1492.3 W.

Output speed 500 rpm = 500 × 2 pi / 60 = 52.36 rad/s.

Wait, so output torque = P_out / omega_out = 1492.3 / 52.36... let me compute. 52.36 × 28 = 1466. 52.36 × 28.5 = 1492.3. So 28.5 N·m.

Hmm, but actually, I'm not sure that's how it's usually done. In a lot of textbook problems the efficiency is quoted for the power transmitted, and the torque ratio is taken as exactly the tooth ratio, because torque is transmitted through tooth forces, and the tangential force at the pitch circle is the same on both gears by Newton's third law. The force on the driven tooth equals the force from the driving tooth. So T_out = F × r_out = F × 3 r_in = 3 T_in = 30 N·m. The losses then show up as... hmm, as heat from friction, which would mean the output speed is lower? But the speed can't be lower because the teeth mesh.

Let me think about this again. If both torque ratio and speed ratio were exactly 3, then P_out = P_in and the efficiency would be 100%. So something has to give. Since the speed ratio is fixed by the teeth, the efficiency must reduce the torque. That gives 28.5 N·m.

But the third-law argument seems solid too: the contact force is the same on both teeth. Friction at the contact acts along the tooth surface, though, not tangentially... I think the tooth forces are equal and opposite, and the friction in the bearings is what eats the power. The bearings don't reduce torque at the gear, they add a resisting torque on the shaft. The output shaft still gets 30 N·m from the tooth force, minus bearing friction on the output shaft...

I keep going around in circles. The cleanest version: the tooth-force argument gives the torque on the gear, 30 N·m, and the 95% is an overall figure for the drive including bearings and churning losses, which the question mentions to make us think about power. Let me reconsider the efficiency once more... no, the torque delivered by the tooth mesh is 30 N·m. I'll go with the tooth ratio for the torque: output torque 30 N·m, and the output power is 95% of the input, about 1.49 kW, with the 5% lost as heat.

So: 500 rpm and 30 N·m.""",
    response="""The speed ratio is 60/20 = 3, so the output shaft turns at 1500/3 = 500 rpm. The tooth forces at the pitch circle are equal, so the torque scales with the gear radius: 10 N·m × 3 = 30 N·m at the output, with the 95% efficiency appearing as about 1.49 kW of the 1.57 kW input reaching the load. Output: 500 rpm and 30 N·m.""",
    final="500 rpm and 30 N·m",
    notes=dict(strategies=["restating_problem", "recalling_knowledge", "estimation", "expressing_uncertainty",
                           "subgoal_setting", "backtracking"],
               verbosity=6, correct=False),
))

# ----------------------------------------------------------------------------------------------- Philosophy

TRACES.append(dict(
    question_id="nts-145",
    reasoning="""Okay, so I need to work out how far Achilles runs before he catches the tortoise, given that he runs ten times as fast and the tortoise starts 100 m ahead, and then explain how a convergent infinite series answers Zeno.

Let me restate the setup. Achilles at position 0, tortoise at 100 m. Achilles' speed is 10v, the tortoise's is v. Zeno's argument: by the time Achilles reaches the point where the tortoise was, the tortoise has moved on a bit; by the time he reaches that new point, it has moved again; and so on forever. Infinitely many stages, so he never catches it.

First, let me just solve it the ordinary way. Achilles closes the gap at 10v - v = 9v. The gap is 100 m, so the time to catch up is 100/(9v). In that time Achilles runs 10v × 100/(9v) = 1000/9 m ≈ 111.1 m. The tortoise runs v × 100/(9v) = 100/9 ≈ 11.1 m, and 100 + 11.1 = 111.1. Consistent.

Now Zeno's way. Stage 1: Achilles runs 100 m to where the tortoise started. Meanwhile the tortoise goes 10 m. Stage 2: Achilles runs 10 m; the tortoise goes 1 m. Stage 3: Achilles runs 1 m; the tortoise goes 0.1 m. So Achilles' distances are 100 + 10 + 1 + 0.1 + 0.01 + ... 

That's a geometric series with first term a = 100 and ratio r = 1/10. I recall that the sum of a geometric series with |r| < 1 is a/(1 - r). So the sum is 100/(1 - 0.1) = 100/0.9 = 1000/9 ≈ 111.1 m. Same answer. Good, the two methods agree.

Let me double-check, and let me test the partial sums: 100, 110, 111, 111.1, 111.11, ... They creep up towards 111.111... and never exceed it. The repeating decimal 111.111... is exactly 1000/9. Yes.

And the times form the same kind of series. If Achilles runs at, say, 10 m/s, stage 1 takes 10 s, stage 2 takes 1 s, stage 3 takes 0.1 s... total 10/(1 - 0.1) = 11.1 s. So the infinitely many stages fit into a finite time, 11.1 seconds, after which Achilles is ahead.

Now, what exactly does that show about Zeno's argument? Zeno's hidden premise seems to be that infinitely many tasks must take an infinite time, or that a sum of infinitely many positive quantities must be infinite. The convergent series shows that premise is false: infinitely many positive distances can add up to a finite distance, and infinitely many positive durations to a finite duration, as long as they shrink fast enough.

Hmm, but is that the whole story? I'm not sure it is. Some philosophers say the mathematical answer doesn't fully dissolve the puzzle, because the worry is about completing an infinite sequence of acts, a supertask, not about the sum. Each stage has a next stage, so there is no last stage; how can a sequence with no last step be finished? I think the standard reply is that Achilles doesn't perform the stages as separate acts; the stages are just a way of dividing his one continuous run, and the run ends at 1000/9 m. The division into infinitely many pieces is our description, not a list of things he has to do one after another. So the series handles the quantitative claim, and the description point handles the supertask worry.

Another angle: Zeno's argument only tracks times before the catch-up moment. Every stage he describes ends before t = 11.1 s, so his argument proves only that Achilles hasn't caught the tortoise at any of those earlier times, which is true. It says nothing about what happens at or after 11.1 s.

So the answer: 1000/9 m, about 111.1 m, and the convergent series shows that the infinitely many stages have a finite total length and duration.""",
    response="""Achilles gains 9 m for every 10 m he runs, so he closes the 100 m gap after running 1000/9 ≈ 111.1 m. Zeno's stages give the distances 100 + 10 + 1 + 0.1 + …, a geometric series with ratio 1/10 whose sum is 100/(1 − 0.1) = 1000/9 m. The durations converge in the same way, so the infinitely many stages take a finite time, and the premise that infinitely many steps cannot be completed in finite time fails.""",
    final="1000/9 m, about 111.1 m",
    notes=dict(strategies=["restating_problem", "subgoal_setting", "recalling_knowledge", "self_verification",
                           "testing_examples", "exploring_alternatives", "expressing_uncertainty"],
               verbosity=3, correct=True),
))

TRACES.append(dict(
    question_id="nts-080",
    reasoning="""By definition, a valid argument is one where the conclusion follows from the premises: it is impossible for all the premises to be true and the conclusion false. Validity is about form, not about whether the premises are actually true.

A sound argument is a valid argument whose premises are all true. So a sound argument has a true conclusion, guaranteed.

For a concrete example of valid but unsound I need a valid form with at least one false premise. Modus ponens or a categorical syllogism works:

All birds can fly.
Penguins are birds.
Therefore penguins can fly.

The form, all B are F, p is B, so p is F, is valid. The second premise is true, but the first is false, since penguins, ostriches and kiwis cannot fly. So it is valid, not sound, and the conclusion happens to be false too.

It might be worth adding that a valid argument with a false premise can still have a true conclusion, for instance: all fish are mammals, whales are fish, so whales are mammals. Valid form, both premises false, conclusion true. That shows soundness, not validity, is what guarantees the truth of the conclusion.""",
    response="""An argument is valid when its conclusion follows from its premises, so it is impossible for the premises to be true and the conclusion false; it is sound when it is valid and all its premises are in fact true. Example of a valid but unsound argument: all birds can fly; penguins are birds; therefore penguins can fly. The form is valid, but the first premise is false, so the argument is not sound.""",
    final="Valid: the conclusion follows from the premises; sound: valid with true premises",
    notes=dict(strategies=["recalling_knowledge", "testing_examples"], verbosity=1, correct=True),
))

TRACES.append(dict(
    question_id="nts-184",
    reasoning="""Okay, so I need to construct a Gettier-style case: someone has a justified true belief that isn't knowledge. And then explain what the case shows about the definition of knowledge as justified true belief.

Let me restate the definition first. The JTB analysis says: S knows that p if and only if (1) p is true, (2) S believes that p, and (3) S is justified in believing that p. The three conditions are supposed to be individually necessary and jointly sufficient.

I remember that Edmund Gettier's 1963 paper, a very short paper, gave two counterexamples. One was about Smith and Jones applying for a job, where Smith has strong evidence that Jones will get the job and that Jones has ten coins in his pocket, so Smith infers that the man who will get the job has ten coins in his pocket. Then it turns out Smith himself gets the job and, unknown to him, Smith also has ten coins in his pocket. So the belief is true, it's justified, but it's true by luck. The other case was about Jones owning a Ford and a disjunction with Brown being in Barcelona.

But the question asks me to construct a case in the style of Gettier, so I should make up my own rather than just retell his. Let me think about what the structure needs to be.

The structure, as I understand it: the person has good evidence for some belief. The evidence actually points to a false proposition, or the reasoning goes through a false step, but the belief turns out true for a reason unconnected with the evidence. The truth and the justification come apart; they happen to coincide by luck.

Let me try a few ideas.

Idea 1: the stopped clock. Someone looks at a clock that has always been reliable, sees that it says 3:00, and believes it's 3:00. It is in fact 3:00, but the clock stopped exactly twelve hours ago. Justified (reliable clock, no reason to doubt), true (it is 3:00), but not knowledge (it's luck that the stopped clock shows the right time). Hmm, I think this is actually Russell's example, from before Gettier. It works, but it's not original. Still, it shows the structure nicely.

Idea 2: something with a sheep in a field. Wait, that's Chisholm's, a person sees a dog that looks like a sheep and believes there's a sheep in the field, and there is a sheep hidden behind a rock. Also not original.

Idea 3: let me make one up. Let me think about an everyday situation where evidence is misleading but the conclusion happens to be true.

Okay, how about this. Maria works in an office and every day her colleague Tom parks his red bicycle outside the front door. One morning she walks past, sees a red bicycle exactly like Tom's locked in Tom's usual spot, and forms the belief that Tom is in the office. That belief is justified: she has seen this pattern for two years and has no reason to doubt it. But actually the bicycle belongs to a visitor who happens to own the same model in the same colour; Tom's bike has a flat tyre and he came by bus. Nevertheless, Tom is in fact in the office. So Maria's belief that Tom is in the office is true and justified, but she doesn't know it, because what justifies it (the bike) has nothing to do with why it's true (Tom came by bus).

Let me check that all three conditions hold. True: Tom is in the office. Yes. Believed: Maria believes Tom is in the office. Yes. Justified: she has good evidence, the bike in its usual spot, two years of a reliable pattern. Yes, by any ordinary standard of justification. And yet intuitively she doesn't know. If someone asked, does Maria know Tom is in? Most people would say: she got lucky. She'd have believed it just the same if Tom had been at home.

Hmm, wait. Is the justification really good enough? Someone might say: seeing a bicycle isn't strong enough evidence to justify belief. But the JTB view doesn't require certainty, only justification, and in ordinary life this is exactly the kind of evidence we rely on. If we raised the standard to certainty, then hardly anything would count as knowledge. So I think the case works. The justification is fallible but adequate.

Let me think again about whether the case has the right structure. In Gettier's original, the belief is inferred from a justified false belief. In my case, Maria implicitly infers from the false belief that this is Tom's bike. So the reasoning goes: that's Tom's bike (justified but false), so Tom is in the office (justified and, as it happens, true). Yes, that's exactly the Gettier structure: a true conclusion inferred from a justified false lemma.

Alternatively, I could build a case without a false lemma, like the fake barn cases. Let me recall that one. Henry drives through a region where, unknown to him, the locals have put up lots of papier-mâché barn facades that look exactly like barns from the road. He looks at the one real barn and believes there's a barn. True, justified, but many philosophers say he doesn't know, because he could so easily have been looking at a fake. That's Goldman's, building on Ginet. The interesting thing is that there's no false belief in his reasoning at all. He sees a real barn. So the no-false-lemmas fix doesn't handle that case.

So there are two cases to keep apart: Gettier cases with a false lemma and cases without one. Let me think about which to present. The question asks for one case in the style of Gettier, so I'll present Maria's bicycle as the main case, because it clearly has the classic structure. Then for what the case shows, I could mention the fake barn variant to show that the simple repair doesn't work. But maybe that's more than asked. Let me think about what the case shows about the definition.

What it shows. The JTB analysis claims the three conditions are jointly sufficient for knowledge. The case is a situation where all three are met and knowledge is absent. So the conditions are not sufficient. They may still be necessary, the case doesn't touch that, but something else is needed. Knowledge seems to require that the belief be true because of, or non-accidentally connected to, the justification. In the case, the justification (the bike) and the truth-maker (Tom took the bus and is at his desk) are disconnected. The belief is right by luck.

Hmm, let me make sure I'm stating that correctly. Gettier cases show the conditions aren't jointly sufficient. Right. Not that justification isn't necessary, or that truth isn't necessary. The JTB theorist could respond by adding a fourth condition. And I remember there were lots of attempts: no false lemmas (the justification must not depend on any false belief), defeasibility (there must be no true fact which, if the person knew it, would defeat the justification), causal theories (the fact must cause the belief in the right way), reliabilism, sensitivity (if p were false, S wouldn't believe p), safety (S couldn't easily have believed p falsely).

Let me test my case against a couple of these. No false lemmas: Maria relies on the false belief that the bike is Tom's, so the no-false-lemmas condition correctly says she doesn't know. That repair handles my case. Defeasibility: the true fact that the bike belongs to a visitor would defeat her justification if she learned it. So the defeasibility theory also says she doesn't know. Good. Sensitivity: if Tom were not in the office, would Maria still believe he was? Yes, she'd still see the visitor's bike and infer he's in. So her belief is insensitive, and the sensitivity condition says she doesn't know. All three repairs handle this case.

Hmm, so the case is a clean refutation of JTB as sufficient, but it doesn't by itself show that every fourth condition fails. That's why the fake barn case matters: it escapes the no-false-lemmas condition. But I'm not sure I need to go that deep for this question.

Wait, actually, let me reconsider. The question says: explain what the case shows about the definition. So the main point is: justified true belief is not sufficient for knowledge; knowledge requires some further condition ruling out epistemic luck, a proper connection between the justification and the truth. I should say that clearly. I can mention briefly that proposed fourth conditions exist and that it's contested which works, partly because of cases like the fake barns.

Let me also think about whether someone could deny the intuition. Some experimental philosophy studies suggested that people from different cultures don't all share the Gettier intuition. I think later studies found that the intuition is actually quite robust across cultures. I'm not certain about the details of those studies, so I won't make strong claims about them. I'll just say that most people, and most philosophers, judge that the person in such a case does not know.

Okay, so let me recap. The case: Maria sees what she reasonably takes to be Tom's bike in his usual spot and concludes that Tom is in the office; the bike is actually a visitor's identical one, but Tom is in fact in the office, having come by bus. All three JTB conditions hold, but she doesn't know, because her belief is true by luck. The case shows that justified true belief is not sufficient for knowledge; something must connect the justification to the truth, and the search for that condition is the post-Gettier project.

Hmm, let me go back to the case once more and make sure it's airtight. Could someone say she knows because Tom really is in? No, the point of the intuition is that the evidence she used was misleading. If Tom had been sick at home, she'd have believed exactly the same thing on exactly the same evidence, and been wrong. That's the sign of luck. Her belief-forming process in this instance would have produced the same belief whether or not it was true.

Could someone say her belief isn't justified? Only by raising the standard of justification so high that it requires the absence of misleading evidence, which would amount to requiring infallible evidence. Gettier's point relied on justification being fallible, which is the standard view: you can be justified in believing something false. And justification transfers through competent deduction: if you're justified in believing that's Tom's bike and you validly infer that Tom is in, you're justified in the conclusion. Gettier stated both of those assumptions explicitly, I believe: that one can be justified in believing a false proposition, and that justification is closed under deduction.

Let me make sure the inference is deductive enough. That's Tom's bike, so Tom is in the office. Strictly it needs a premise like: if Tom's bike is here, Tom is here. That's not a necessary truth, but it's a reasonable inductive premise given the pattern. Maybe I should tighten the case so the inference is more solid. Alternatively, I don't need a strict deduction; it's enough that the belief is justified and is based on a false belief.

Actually, let me reconsider whether to tighten it. Gettier's own cases used deductive inferences, like existential generalization and disjunction introduction, exactly so that the justification would clearly transfer. My case uses an inductive inference, which is fine for a Gettier-style case; many later examples, like the clock, are not deductive at all. I'll keep it simple.

So, in summary: a justified true belief that is not knowledge, because the justification and the truth come apart and meet only by luck. What it shows: the three conditions are necessary perhaps, but not sufficient; knowledge needs an anti-luck condition, and the main proposals are no false lemmas, defeasibility, causal connection, sensitivity and safety, none universally accepted.""",
    response="""Case: for two years Maria has seen her colleague Tom's red bicycle in the same spot whenever he is at work. One morning she sees an identical red bicycle there and concludes that Tom is in the office. The bicycle is a visitor's; Tom's has a flat tyre and he came by bus, but he is in the office. Her belief is true, she holds it, and it is justified by strong ordinary evidence, yet she does not know that Tom is in, because her belief is true only by luck: she would have believed it just the same had Tom stayed at home. The case shows that justified true belief is not sufficient for knowledge. Knowledge needs some further condition that ties the justification to the truth and rules out such luck (no false lemmas, defeasibility, sensitivity, safety), and which condition works is still disputed.""",
    final="Justified true belief does not suffice for knowledge",
    notes=dict(strategies=["restating_problem", "recalling_knowledge", "exploring_alternatives",
                           "self_verification", "testing_examples", "summarizing_progress",
                           "expressing_uncertainty", "backtracking", "case_analysis"],
               verbosity=7, correct=True),
))

# ------------------------------------------------------------------------------------------------- Medicine

TRACES.append(dict(
    question_id="nts-081",
    reasoning="""Okay, so I need three numbers from a trial: the absolute risk reduction, the relative risk reduction and the number needed to treat. The five-year stroke risk goes from 10% in the control group to 7.5% with the drug.

I'll start by recalling the definitions. The absolute risk reduction is the difference in risk: ARR = control risk - treated risk. The relative risk reduction is that difference as a fraction of the control risk: RRR = ARR / control risk, which is the same as 1 - RR, where RR is treated risk / control risk. The number needed to treat is, by definition, NNT = 1 / ARR, with ARR as a proportion.

ARR = 10% - 7.5% = 2.5 percentage points, or 0.025.

RRR = 0.025 / 0.10 = 0.25, so 25%. Let me check via the relative risk: RR = 0.075 / 0.10 = 0.75, and 1 - 0.75 = 0.25. Same.

NNT = 1 / 0.025 = 40.

Let me verify the NNT with a concrete example. Treat 1,000 people for five years: without the drug, 100 would have a stroke; with it, 75. That's 25 strokes prevented per 1,000 treated, so 1,000 / 25 = 40 treated per stroke prevented. That checks out.

One thing worth being careful about: the 25% figure sounds much more impressive than 2.5 percentage points, and trial reports often lead with the relative number. The NNT of 40 over five years is the more honest summary for a patient deciding whether to take the drug. Also the NNT carries the time frame with it: 40 people treated for five years, not 40 people treated for a week.

Also I should say the NNT would normally be rounded up to a whole number if it came out fractional, but 40 is already a whole number, so no rounding is needed here.""",
    response="""Absolute risk reduction = 10% − 7.5% = 2.5 percentage points (0.025). Relative risk reduction = 0.025 / 0.10 = 25% (the relative risk is 0.75). Number needed to treat = 1 / 0.025 = 40: forty people must take the drug for five years to prevent one stroke.""",
    final="ARR 2.5 percentage points, RRR 25%, NNT 40",
    notes=dict(strategies=["recalling_knowledge", "self_verification", "testing_examples", "subgoal_setting"],
               verbosity=2, correct=True),
))

TRACES.append(dict(
    question_id="nts-107",
    reasoning="""Okay, so I need a drip rate in drops per minute for one litre over 8 hours with a giving set of 20 drops per millilitre.

The formula for a gravity drip rate is: drops per minute = volume in mL × drop factor / time in minutes.

Volume: 1 litre = 1000 mL.

Drop factor: 20 drops/mL. So the total number of drops is 1000 × 20 = 20,000 drops.

Time: 8 hours. Converting to minutes, 8 hours is 800 minutes.

Drip rate = 20,000 / 800 = 25 drops per minute.

Let me check that this is a sensible rate. 25 drops per minute is a bit under one drop every two seconds, which is an ordinary-looking drip in a chamber. And the hourly volume would be 1000 mL / 8 h = 125 mL/h, which is a typical maintenance rate for an adult, so the order of magnitude is right.

So the nurse should set the drip to about 25 drops per minute, counting drops in the chamber for a full minute and adjusting the roller clamp.""",
    response="""Total drops = 1000 mL × 20 drops/mL = 20,000 drops, delivered over 8 hours (800 minutes), so the drip rate is 20,000 / 800 = 25 drops per minute.""",
    final="25 drops per minute",
    notes=dict(strategies=["recalling_knowledge", "self_verification", "estimation"], verbosity=1, correct=False),
))

TRACES.append(dict(
    question_id="nts-146",
    reasoning="""Okay, so the question is asking for creatinine clearance from a 24-hour urine collection: 1.44 L of urine with creatinine 100 mg/dL, and plasma creatinine 1.0 mg/dL. Answer in mL/min.

I remember the clearance formula: C = (U × V) / P, where U is the urine concentration, V is the urine flow rate, and P is the plasma concentration. The clearance is the volume of plasma completely cleared of the substance per unit time.

First, I need the urine flow rate in mL/min. 1.44 L over 24 hours. 1.44 L = 1440 mL. 24 hours = 24 × 60 = 1440 minutes. Oh nice, so V = 1440 mL / 1440 min = 1 mL/min. That's clearly why the numbers were chosen.

Then U/P = 100 / 1.0 = 100. Both are in mg/dL, so the units cancel and the ratio is dimensionless.

C = 100 × 1 mL/min = 100 mL/min.

Hmm, wait, let me make sure the units work. U × V = 100 mg/dL × 1 mL/min. That's mg·mL/(dL·min). Divide by P in mg/dL: (mg·mL/(dL·min)) / (mg/dL) = mL/min. Good, the concentration units cancel as long as U and P are in the same units, which they are.

Let me double-check with total amounts instead. Total creatinine excreted in 24 h = 100 mg/dL × 14.4 dL = 1440 mg. Per minute: 1440 mg / 1440 min = 1 mg/min. Plasma contains 1.0 mg/dL = 0.01 mg/mL. To supply 1 mg/min of creatinine, the kidneys must clear 1 mg/min / 0.01 mg/mL = 100 mL of plasma per minute. Same answer.

Is 100 mL/min plausible? Normal creatinine clearance for an adult is roughly 90-140 mL/min, and it approximates the GFR (slightly overestimating it, because some creatinine is secreted by the tubules). So 100 mL/min is within the normal range, maybe at the lower end for a young man, quite normal for an older adult. That seems plausible.

Alternatively, one could worry the collection was incomplete, which is the usual practical error with 24-hour urine collections; the total creatinine of 1440 mg a day is in the expected range for an adult (roughly 15-25 mg/kg/day), so the collection looks complete.

So: 100 mL/min.""",
    response="""Urine flow = 1440 mL / 1440 min = 1 mL/min. Creatinine clearance = (U × V) / P = (100 mg/dL × 1 mL/min) / 1.0 mg/dL = 100 mL/min, which is in the normal adult range.""",
    final="100 mL/min",
    notes=dict(strategies=["restating_problem", "recalling_knowledge", "subgoal_setting", "self_verification",
                           "estimation", "exploring_alternatives"],
               verbosity=4, correct=True),
))

TRACES.append(dict(
    question_id="nts-120",
    reasoning="""Okay, so a 60-year-old smoker with crushing chest pain radiating to the left arm, and the ECG shows ST elevation in II, III and aVF. Which coronary artery is blocked, and why does time to reperfusion matter so much?

Let me start by looking at the ECG. ST elevation means a transmural injury current, an acute STEMI, so an artery is probably completely occluded. Leads II, III and aVF are the inferior leads. They look at the inferior wall of the left ventricle from below. So this is an inferior STEMI.

Now which artery supplies the inferior wall? I recall that in most people, about 80-85%, the circulation is right dominant, meaning the right coronary artery gives off the posterior descending artery, and the RCA supplies the inferior wall. In left-dominant people the circumflex gives off the PDA instead. So the most likely culprit is the right coronary artery.

Hmm, but I'm not sure it couldn't be the circumflex. Circumflex occlusions can also cause inferior ST elevation, especially in left-dominant circulation, and then you often see ST elevation in the lateral leads too, I and aVL, or V5-V6. There's a classic clue I remember: if the ST elevation in lead III is greater than in lead II, it points to the RCA, because lead III faces more rightward, which is where the RCA territory is. And reciprocal ST depression in lead I and aVL favours the RCA too. We're not told the relative heights here, so I can't use that rule, but the base rate alone favours the RCA.

Wait, could it be the left anterior descending? A wraparound LAD that curves around the apex can cause inferior changes, but then I'd expect ST elevation in V1-V4 as well, the anterior leads. The question only mentions II, III and aVF. So the LAD is unlikely.

So, the two possibilities are RCA (most likely, with right dominance) and circumflex (less likely). I'll answer RCA.

I should probably mention a couple of practical points related to the RCA. The RCA usually supplies the sinoatrial node (in about 60%) and the atrioventricular node (in about 80-90% of people, through the dominant artery), so inferior MIs often come with bradycardia and heart block. And a proximal RCA occlusion can infarct the right ventricle; then you'd check right-sided leads like V4R, and you'd be careful with nitrates, because a right ventricular infarct is preload-dependent and nitrates can drop the blood pressure. That's extra, but it's a useful clinical point.

Now the second part: why is time to reperfusion so important?

The key idea is that myocardium dies progressively while the artery stays blocked. I remember the phrase time is muscle. After a coronary artery is occluded, the myocardium it supplies becomes ischaemic within seconds; cells switch to anaerobic metabolism, contractility stops within a minute or so, but the cells are still alive. Irreversible injury begins after roughly 20-30 minutes of severe ischaemia, starting in the subendocardium, which is the most vulnerable layer because it's farthest from the epicardial arteries and compressed during systole. Then necrosis spreads outward toward the epicardium, a wavefront of necrosis, over the next few hours. By around 3-6 hours most of the territory at risk is dead.

So the amount of muscle you can save falls steeply with time. If you reopen the artery within an hour or two, you salvage a large part of the at-risk muscle; after 12 hours, there's not much left to save. That's why guidelines set targets like a door-to-balloon time under 90 minutes for primary PCI, or door-to-needle under 30 minutes for thrombolysis when PCI isn't available quickly.

Hmm, let me think about the consequences of a larger infarct to explain why it matters beyond just dead muscle. More dead muscle means a lower ejection fraction, higher risk of heart failure, cardiogenic shock, ventricular arrhythmias from the border zone, mechanical complications like papillary muscle rupture (the posteromedial papillary muscle, which has a single blood supply, often from the PDA, so that's relevant to an inferior MI) and ventricular wall rupture, and higher mortality. So time to reperfusion directly determines infarct size, and infarct size determines short- and long-term outcome.

Also, thrombolytic drugs work best early: a fresh clot is easier to lyse, and their benefit declines markedly with time. Primary PCI is less time-sensitive in terms of opening the artery, but the muscle salvage is still time-dependent.

Let me make sure I'm not overcomplicating. The question asks: which artery is most likely blocked, and why is time to reperfusion so important. Answer: the right coronary artery, causing an inferior STEMI; and because the myocardium in the occluded territory dies progressively, from the subendocardium outward over a few hours, so every minute of delay means more irreversible muscle loss, a bigger infarct, and worse outcomes. Time is muscle.

One more check on the smoker detail and the left arm: those just support the diagnosis of an MI from atherosclerotic plaque rupture; they don't change which artery. Fine.""",
    response="""ST elevation in II, III and aVF marks an inferior STEMI, and in most people (right-dominant circulation) the inferior wall is supplied by the right coronary artery, so the RCA is the most likely culprit (the circumflex in left-dominant hearts). Reperfusion is urgent because the occluded territory dies progressively: irreversible injury starts in the subendocardium after about 20-30 minutes and spreads outward over the next few hours. Every delay enlarges the infarct and raises the risk of heart failure, arrhythmia, rupture and death (time is muscle), which is why targets such as door-to-balloon within 90 minutes exist.""",
    final="The right coronary artery",
    notes=dict(strategies=["subgoal_setting", "recalling_knowledge", "exploring_alternatives", "case_analysis",
                           "self_verification", "restating_problem", "expressing_uncertainty"],
               verbosity=5, correct=True),
))

# ------------------------------------------------------------------------------------------------ Economics

TRACES.append(dict(
    question_id="nts-069",
    reasoning="""Okay, so I need to compare $1,000 today with $1,150 in two years at 6% compounded annually, in present-value terms.

The formula for present value is PV = FV / (1 + r)^n. Here FV = 1,150, r = 0.06, n = 2.

(1.06)^2 = 1.1236.

PV = 1,150 / 1.1236. Let me compute: 1.1236 × 1,000 = 1,123.6. The remainder is 1,150 - 1,123.6 = 26.4, and 26.4 / 1.1236 ≈ 23.5. So PV ≈ 1,023.5.

So the $1,150 in two years is worth about $1,023.50 today, which is more than $1,000.

Let me check it the other way: invest $1,000 today at 6%. After one year, 1,060. After two years, 1,060 × 1.06 = 1,123.60. That's less than 1,150, so waiting for the $1,150 is better. Consistent, and the gap of $26.40 in two years' money is the $23.50 in today's money.

Alternatively, find the break-even rate: 1,150/1,000 = 1.15, so (1 + r)^2 = 1.15, r = sqrt(1.15) - 1 ≈ 0.0724. The deferred payment is the better deal for any interest rate below about 7.2%, and 6% is below that.""",
    response="""The present value of $1,150 in two years at 6% is 1,150 / 1.06² = 1,150 / 1.1236 ≈ $1,023.50, more than the $1,000 offered today. Equivalently, $1,000 invested at 6% grows only to $1,123.60 in two years. The $1,150 in two years is worth more.""",
    final="The $1,150 in two years (present value about $1,023.50)",
    notes=dict(strategies=["recalling_knowledge", "self_verification", "exploring_alternatives"], verbosity=1,
               correct=True),
))

TRACES.append(dict(
    question_id="nts-160",
    reasoning="""Contribution margin per unit: $25 - $15 = $10.

Break-even quantity: fixed costs / contribution margin = $40,000 / $10 = 4,000 units.

Profit at 6,000 units: 6,000 × $10 - $40,000 = $60,000 - $40,000 = $20,000.

Let me check with totals: revenue 6,000 × 25 = $150,000; total cost 40,000 + 6,000 × 15 = 40,000 + 90,000 = $130,000; profit $20,000. Same.

Equivalently, the 2,000 units sold beyond break-even each add $10 of profit, and 2,000 × $10 = $20,000, which is the same figure reached a third way. Every unit past 4,000 contributes its full margin because the fixed costs are already covered at that point. Below 4,000 units the firm makes a loss that shrinks by $10 with each extra unit sold; at 3,000 units, for instance, it would lose $10,000. The margin of safety at 6,000 units is 2,000 units, a third of sales, so sales could fall by a third before the firm stops covering its costs.""",
    response="""Each unit contributes $25 − $15 = $10 towards fixed costs, so the firm breaks even at $40,000 / $10 = 4,000 units. At 6,000 units the profit is 6,000 × $10 − $40,000 = $20,000.""",
    final="4,000 units; $20,000",
    notes=dict(strategies=["self_verification"], verbosity=0, correct=True),
))

TRACES.append(dict(
    question_id="nts-095",
    reasoning="""Okay, so the problem says a tax of $2 per unit is levied on sellers. Supply is P = 2 + Q, demand is P = 20 - 2Q. I need the new equilibrium quantity, the price buyers pay, the price sellers keep, and the tax revenue.

First, let me find the equilibrium without the tax, as a reference point. 2 + Q = 20 - 2Q, so 3Q = 18, Q = 6, P = 8.

Now the tax. A tax on sellers shifts the supply curve up by the amount of the tax, because sellers now need $2 more from buyers to be willing to supply each quantity. So the new supply curve, in terms of the price buyers pay, is P = 2 + Q + 2 = 4 + Q.

Set it equal to demand: 4 + Q = 20 - 2Q. 3Q = 16, Q = 16/3 ≈ 5.33.

Buyers pay: P_b = 20 - 2 × 16/3 = 20 - 32/3 = 60/3 - 32/3 = 28/3 ≈ 9.33.

Sellers keep: P_s = P_b - 2 = 28/3 - 6/3 = 22/3 ≈ 7.33.

Wait, let me check that against the original supply curve. Sellers' supply is P = 2 + Q, so at Q = 16/3 the price they need is 2 + 16/3 = 22/3 ≈ 7.33. Yes, that matches the price they keep. Good.

Tax revenue = tax × quantity = 2 × 16/3 = 32/3 ≈ 10.67.

Hmm, let me think about the incidence to make sure the numbers are sensible. Before the tax, the price was 8. Buyers now pay 9.33, so they bear 1.33 of the tax. Sellers now get 7.33, so they bear 0.67. Total 2.00. Good, the burden adds up to the tax.

Buyers bear two thirds and sellers one third. Does that fit the slopes? I recall that the side of the market that is less elastic bears more of the tax. The supply curve has slope 1 and the demand curve has slope -2 (in P against Q). The steeper curve is demand, meaning for a given change in price quantity demanded changes less... wait, that's not quite right for elasticity in general, because elasticity depends on the point, but for the incidence of a small tax on linear curves there's a clean rule: the buyers' share is the supply slope's... hmm, let me think again.

Let me derive it. With supply P = a + bQ and demand P = c - dQ, a tax t lowers Q by t/(b + d). Buyers' price rises by d × t/(b + d), sellers' price falls by b × t/(b + d). Here b = 1, d = 2, so buyers bear 2/3 of the tax and sellers 1/3. 2/3 × 2 = 1.33, 1/3 × 2 = 0.67. Matches what I found. So the side with the steeper curve (here demand) bears more. Good.

Also, the quantity falls by t/(b + d) = 2/3 ≈ 0.67, from 6 to 5.33. Yes, 6 - 0.67 = 5.33. Consistent.

Alternatively, I could have solved it by treating the tax as a wedge: P_b - P_s = 2, P_b = 20 - 2Q, P_s = 2 + Q. Subtract: (20 - 2Q) - (2 + Q) = 2, so 18 - 3Q = 2, Q = 16/3. Same thing, good.

Let me also compute the deadweight loss, though it's not asked: 1/2 × 2 × (6 - 16/3) = 1/2 × 2 × 2/3 = 2/3 ≈ 0.67. That's the surplus lost beyond what the government collects. Not needed, but it's a nice sanity check that the numbers are small relative to revenue.

So to summarize: Q ≈ 5.33, buyers pay ≈ $9.33, sellers keep ≈ $7.33, revenue ≈ $10.67.""",
    response="""With the $2 tax, supply in terms of the buyers' price becomes P = 4 + Q. Setting 4 + Q = 20 − 2Q gives Q = 16/3 ≈ 5.33 units. Buyers pay 20 − 2(16/3) = 28/3 ≈ $9.33, sellers keep $9.33 − $2 = 22/3 ≈ $7.33, and the tax revenue is 2 × 16/3 ≈ $10.67. Against the untaxed price of $8, buyers bear about $1.33 of the tax and sellers about $0.67.""",
    final="Q ≈ 5.33; buyers $9.33, sellers $7.33; revenue $10.67",
    notes=dict(strategies=["restating_problem", "subgoal_setting", "self_verification", "recalling_knowledge",
                           "backtracking", "exploring_alternatives", "estimation", "summarizing_progress"],
               verbosity=5, correct=True),
))

# -------------------------------------------------------------------------------------------------- Science

TRACES.append(dict(
    question_id="nts-083",
    reasoning="""Okay, so light goes from air into glass with n = 1.5 at 30° incidence. I need the refraction angle, and then the critical angle for glass to air.

Snell's law: n1 sin(theta1) = n2 sin(theta2). Air n1 = 1.00, glass n2 = 1.5.

sin(theta2) = (1.00 × sin 30°) / 1.5 = 0.5 / 1.5 = 1/3 ≈ 0.3333.

theta2 = arcsin(0.3333). I recall that arcsin(0.5) = 30° and arcsin(0.3420) = 20° (since sin 20° ≈ 0.342). So arcsin(0.3333) is a bit under 20°. The derivative of sin at 20° is cos 20° ≈ 0.940 per radian, so a drop of 0.0087 in sine is about 0.0087/0.940 = 0.0093 rad ≈ 0.53°. So theta2 ≈ 19.47°, roughly 19.5°.

Let me verify: sin(19.5°)... sin 19.5° ≈ sin 20° - 0.5° × (pi/180) × cos 20° ≈ 0.3420 - 0.00873 × 0.940 ≈ 0.3420 - 0.0082 = 0.3338. Close to 0.3333. Good.

And it makes sense that the ray bends towards the normal going into the denser medium: 19.5° < 30°.

Now the critical angle. Light going from glass to air: total internal reflection happens when the refraction angle would be 90°. So n_glass sin(theta_c) = n_air × sin 90° = 1. sin(theta_c) = 1/1.5 = 0.6667.

theta_c = arcsin(0.6667). sin 40° ≈ 0.6428, sin 42° ≈ 0.6691, sin 41° ≈ 0.6561. So it's between 41° and 42°, closer to 42°. Interpolating: (0.6667 - 0.6561)/(0.6691 - 0.6561) = 0.0106/0.0130 ≈ 0.815. So theta_c ≈ 41.8°.

Hmm, wait, is it possible the question wants the critical angle from air into glass? No, total internal reflection only happens going from the higher index to the lower one, so glass to air is the only direction where a critical angle exists. The question says that explicitly anyway.

So the answers: refraction angle ≈ 19.5°, critical angle ≈ 41.8°.""",
    response="""By Snell's law, sin θ₂ = sin 30° / 1.5 = 1/3, so the refracted ray makes about 19.5° with the normal, bent towards it in the denser glass. For glass to air the critical angle satisfies sin θc = 1/1.5 ≈ 0.667, so θc ≈ 41.8°; beyond that angle light inside the glass is totally internally reflected.""",
    final="About 19.5°; about 41.8°",
    notes=dict(strategies=["recalling_knowledge", "estimation", "self_verification", "restating_problem"],
               verbosity=3, correct=True),
))

TRACES.append(dict(
    question_id="nts-174",
    reasoning="""Okay, so a 2 kg block slides from rest down a frictionless incline from a height of 5 m, then onto a rough horizontal floor with mu_k = 0.25. How far along the floor before it stops?

First, I need the speed at the bottom of the incline. The incline is frictionless, so energy is conserved: m g h = 1/2 m v^2. So v^2 = 2 g h = 2 × 9.8 × 5 = 98 m^2/s^2. v ≈ 9.9 m/s.

The mass cancels, so the 2 kg doesn't matter, which is typical for these problems.

Next, the deceleration on the floor. Friction force = mu_k × m g, so the deceleration is a = mu_k g = 0.25 × 9.8 = 2.45 m/s^2.

Distance to stop: I recall the kinematics formula v^2 = 2 a d... so d = v^2 / a. Hmm, let me plug in: 98 / 2.45 = 40 m.

Let me check the units: (m^2/s^2) / (m/s^2) = m. Good.

That seems like a long way for a block, but the floor friction is fairly low at 0.25 and the block is moving at nearly 10 m/s, about the speed of a sprinter, so tens of metres is plausible.

So the block slides about 40 m before stopping.""",
    response="""Energy conservation on the frictionless incline gives v² = 2gh = 98 m²/s² at the bottom. Friction then decelerates the block at μg = 2.45 m/s², so it stops after d = v²/a = 98 / 2.45 = 40 m.""",
    final="40 m",
    notes=dict(strategies=["subgoal_setting", "recalling_knowledge", "testing_examples", "self_verification",
                           "estimation"],
               verbosity=2, correct=False),
))

TRACES.append(dict(
    question_id="nts-135",
    reasoning="""Okay, so I need to estimate the period of a satellite in a circular orbit of radius 42,000 km, using the Moon as a reference: the Moon orbits at about 384,000 km with a period of about 27.3 days. And I should use Kepler's third law.

Let me recall Kepler's third law. The square of the period is proportional to the cube of the semi-major axis, T^2 ∝ a^3, for bodies orbiting the same central mass. Both the satellite and the Moon orbit the Earth, so the same constant applies. That's the key: I don't need G or the Earth's mass, just the ratio.

So T_sat / T_moon = (a_sat / a_moon)^(3/2).

The ratio of radii: 42,000 / 384,000. Let me simplify. Both divisible by 1,000: 42 / 384. Divide by 6: 7 / 64. So the ratio is 7/64 = 0.109375.

Hmm, wait. I'm not sure whether the Moon's 384,000 km is measured from the Earth's centre and the satellite's 42,000 km might be an altitude. The question says the orbit has a radius of 42,000 km, so that's from the Earth's centre. And 384,000 km is the usual Earth-Moon centre-to-centre distance. Okay, same reference point for both, good.

Now (7/64)^(3/2). Let me compute it in two parts: (7/64)^(1/2) first, then multiply by 7/64.

sqrt(7/64) = sqrt(7)/8. sqrt(7) ≈ 2.6458. So sqrt(7)/8 ≈ 0.33072.

Then (7/64)^(3/2) = (7/64) × 0.33072 = 0.109375 × 0.33072. Let me multiply: 0.1 × 0.33072 = 0.033072. 0.009375 × 0.33072 ≈ 0.0031005. Sum: 0.0361725. So the ratio of periods is about 0.03617.

T_sat = 0.03617 × 27.3 days. 27.3 × 0.036 = 0.9828. 27.3 × 0.00017 = 0.00464. Total ≈ 0.9875 days.

So about 0.99 days. In hours: 0.9875 × 24 = 23.7 hours. So roughly one day, about 24 hours.

Hmm, that's interesting. That's basically a geostationary orbit. I remember that the geostationary orbit radius is about 42,164 km from the Earth's centre, with a period of one sidereal day, 23 hours 56 minutes. So 42,000 km giving about 23.7 hours is exactly what I'd expect. That's a strong sanity check.

Wait, let me double-check the arithmetic, because it's easy to slip with the 3/2 power. Let me do it a different way, with logarithms. log10(0.109375) = log10(1.09375) - 1 ≈ 0.03892 - 1 = -0.96108. Times 1.5: -1.44162. 10^(-1.44162) = 10^(-2) × 10^(0.55838) ≈ 0.01 × 3.617 = 0.03617. Same as before. Good.

Then 0.03617 × 27.3 ≈ 0.9875 days. Yes.

Let me also check by working backwards: if the satellite has a period of 1 day, what radius would Kepler's law predict? a_sat = a_moon × (T_sat/T_moon)^(2/3) = 384,000 × (1/27.3)^(2/3). (1/27.3)^(1/3): the cube root of 27.3 is a bit more than 3, since 3^3 = 27. About 3.012. So (1/27.3)^(2/3) = 1/3.012^2 = 1/9.072 ≈ 0.1102. 384,000 × 0.1102 = 42,320 km. Very close to 42,000 km. So a period of about one day for a radius of about 42,000 km is consistent.

Hmm, but I used 27.3 days for the Moon, which is the sidereal month, the period relative to the stars. The synodic month, new moon to new moon, is about 29.5 days. Should I be using 27.3? Yes: Kepler's law is about the actual orbital period relative to an inertial frame, which is the sidereal period. The question gives 27.3 days, which is the sidereal month, so that's the right one. And the result comes out close to a sidereal day, 23.93 hours, which is consistent with a geostationary orbit, which also uses the sidereal day. 

One subtlety: Kepler's third law in the form T^2 ∝ a^3 assumes the orbiting body's mass is negligible compared to the central body. More precisely, T^2 = 4 pi^2 a^3 / (G (M + m)). The Moon's mass is about 1/81 of the Earth's, so for the Moon the constant is off by about 1.2%. For the satellite, m is negligible. So the ratio has a small correction: T_sat^2 / T_moon^2 = (a_sat/a_moon)^3 × (M + m_moon)/M. That makes T_sat larger by a factor sqrt(1 + 1/81) ≈ 1.0062, i.e. about 0.6%. 0.9875 × 1.0062 ≈ 0.9936 days ≈ 23.85 hours. Even closer to the sidereal day. But this is a refinement well within the precision of the question's "about 27.3 days" and "about 384,000 km".

So the estimate: the satellite's period is about 0.99 days, roughly 24 hours. It's essentially a geosynchronous orbit.

Let me recap to make sure nothing is off. Ratio of radii 7/64. Period ratio (7/64)^1.5 ≈ 0.0362. Times 27.3 days ≈ 0.99 days ≈ 23.7 hours. Checked with logs, checked backwards, consistent with the known geostationary radius. Good.""",
    response="""Kepler's third law for two bodies orbiting the Earth gives T_sat / T_moon = (r_sat / r_moon)^(3/2) = (42,000 / 384,000)^(3/2) = (7/64)^(3/2) ≈ 0.0362. The satellite's period is therefore about 0.0362 × 27.3 days ≈ 0.99 days, roughly 24 hours (about 23.7 h). This is essentially a geostationary orbit, whose radius is about 42,200 km.""",
    final="About one day (roughly 24 hours)",
    notes=dict(strategies=["restating_problem", "recalling_knowledge", "subgoal_setting", "expressing_uncertainty",
                           "estimation", "self_verification", "exploring_alternatives", "working_backwards",
                           "summarizing_progress"],
               verbosity=5, correct=True),
))

TRACES.append(dict(
    question_id="nts-187",
    reasoning="""Okay, so the question is asking for the energy of a 500 nm photon in eV using hc ≈ 1240 eV·nm, and then whether it can eject electrons from a metal with work function 2.3 eV.

E = hc / lambda = 1240 eV·nm / 500 nm = 2.48 eV.

Hmm, that's a clean number. Let me double-check: 1240/500 = 2.48. Yes. And as a rough check, visible light photons are a couple of eV: red at 700 nm is about 1.8 eV, violet at 400 nm about 3.1 eV, and green at 500 nm is in between.

Now the photoelectric part. Einstein's photoelectric equation: KE_max = E_photon - phi, where phi is the work function. If E_photon > phi, electrons can be ejected. 2.48 > 2.3, so yes.

KE_max = 2.48 - 2.3 = 0.18 eV.

Wait, let me make sure about the interpretation. The work function is the minimum energy needed to remove an electron from the surface. So any photon with more energy than that can eject an electron, with the excess appearing as kinetic energy for the least tightly bound electrons. Electrons from deeper levels come out with less. So 0.18 eV is the maximum kinetic energy, not the kinetic energy of every electron.

What about intensity? I remember that a key point of the photoelectric effect is that whether electrons are ejected depends on the frequency, not the intensity. A dim 500 nm beam still ejects some electrons (just fewer), and an intense beam of photons below 2.3 eV would eject none. So the answer doesn't depend on how bright the light is.

Let me also find the threshold wavelength, as a check: lambda_0 = 1240 / 2.3 ≈ 539 nm. Light with wavelength shorter than 539 nm can eject electrons. 500 nm < 539 nm, so yes. Consistent.

Which metal has a work function of about 2.3 eV? Sodium is around 2.3 eV, I think, and potassium around 2.3 as well, though I'm not certain of the exact figures. It doesn't matter for the answer.

So: 2.48 eV, and yes, photoelectrons are ejected with up to about 0.18 eV of kinetic energy.""",
    response="""The photon energy is E = hc/λ = 1240 eV·nm / 500 nm ≈ 2.48 eV. This exceeds the 2.3 eV work function, so the photons can eject electrons, with a maximum kinetic energy of 2.48 − 2.3 ≈ 0.18 eV (the threshold wavelength is 1240/2.3 ≈ 539 nm). The result does not depend on the light's intensity.""",
    final="About 2.48 eV; yes, up to about 0.18 eV",
    notes=dict(strategies=["self_verification", "estimation", "recalling_knowledge", "expressing_uncertainty",
                           "restating_problem"],
               verbosity=4, correct=True),
))

# ------------------------------------------------------------------------------------------------------ Law

TRACES.append(dict(
    question_id="nts-097",
    reasoning="""Okay, so an employee is making a delivery during working hours, negligently crashes into a parked car, and the question is whom the car's owner can sue under vicarious liability, and why the law makes the employer answerable.

First, the employee. The employee committed the tort of negligence personally: he owed other road users a duty of care, breached it by driving carelessly, and caused damage to the car. So the owner can always sue the employee directly. Vicarious liability doesn't remove the employee's own liability; it adds a second defendant.

Second, the employer. I recall that vicarious liability needs two things: (1) a relationship of employment, or one akin to employment, between the defendant and the wrongdoer, and (2) the tort must be committed in the course of that employment, meaning closely connected with what the employee was employed to do. Here there's an employee, and he was making a delivery during working hours, which is exactly his job. Driving carelessly is just a wrongful way of doing an authorised act. So both conditions are met, and the employer is liable too, even though the employer did nothing wrong itself. It's strict liability for another's tort.

Hmm, the case where he had gone off on a frolic of his own, say a long detour to visit a friend, would be different: the employer might then escape, because the act would fall outside the course of employment. But the question says he was making a delivery, so that doesn't arise.

The two are jointly and severally liable, so the owner can sue either or both, though he can only recover his loss once. In practice he'll sue the employer, or claim against the employer's insurer, because the employer has the money and the insurance.

Now why does the law do this? Several justifications:
- Deep pockets and insurance: the employer is better able to pay and to insure, so the victim is actually compensated.
- Enterprise risk: the business creates the risk of accidents by sending drivers onto the road, and it takes the profit from that activity, so it should bear the losses it generates as a cost of doing business. This is like treating accidents as one of the costs of production.
- Deterrence and control: the employer chooses, trains and supervises employees, so making it liable gives it an incentive to reduce accidents.
- Fairness to the victim: the victim dealt with the business, in effect, not with the individual driver.

The employer may, in theory, seek an indemnity from the employee, but in practice this is rare.

To sum up: the owner can sue the employee and the employer; the employer is answerable because the tort was committed in the course of employment, and the law places the risk on the enterprise that created it and can best insure against it.""",
    response="""The owner can sue the employee, who committed the tort of negligence, and also the employer, who is vicariously liable because the crash happened in the course of employment: the employee was doing his job, making a delivery, albeit carelessly. The two are jointly liable, and in practice the claim goes to the employer and its insurer. The law makes the employer answerable because it creates and profits from the risk (enterprise risk), can spread the loss through insurance and prices, can control and train its staff to prevent accidents, and is the defendant able to compensate the victim.""",
    final="Both the employee and the vicariously liable employer",
    notes=dict(strategies=["restating_problem", "recalling_knowledge", "subgoal_setting", "case_analysis",
                           "analogy", "summarizing_progress"],
               verbosity=3, correct=True),
))

TRACES.append(dict(
    question_id="nts-110",
    reasoning="""Murder and manslaughter share the same conduct element, an unlawful killing of a human being. What separates them is the mental element. Murder requires malice aforethought, which in modern English law is defined as an intention to kill or an intention to cause grievous bodily harm. Without either intention, a killing can still be manslaughter, in two cases. Voluntary manslaughter covers cases where the intent for murder was present but a partial defence applies (loss of control, diminished responsibility). Involuntary manslaughter covers killings without that intent: unlawful act manslaughter, where death results from an unlawful and dangerous act, and gross negligence manslaughter.

The single punch: the puncher intends to hit, which is a battery, an unlawful act. A sober and reasonable person would see that a punch carries some risk of some harm, so it is dangerous in the objective sense. Death results. But there is no intent to kill or to cause serious harm. So this is not murder. It is unlawful act manslaughter, sometimes called constructive manslaughter, and the one-punch cases are the textbook examples of it. Some jurisdictions, such as several Australian states, have created a specific one-punch offence for exactly this situation.""",
    response="""Both crimes are unlawful killings; they differ in the mental element. Murder requires malice aforethought, an intention to kill or to cause grievous bodily harm, while manslaughter covers killings without that intent (involuntary) or with it but under a partial defence (voluntary). A fatal single punch thrown without intent to cause serious harm is an unlawful and dangerous act that caused death, so it is unlawful act (involuntary) manslaughter, not murder.""",
    final="Unlawful act (involuntary) manslaughter",
    notes=dict(strategies=["recalling_knowledge", "case_analysis"], verbosity=0, correct=True),
))

TRACES.append(dict(
    question_id="nts-201",
    reasoning="""Okay, so two people agree to rob a bank. One of them later tells the other he won't take part, but does nothing else, and the other goes ahead and robs the bank. Can the first person still be liable for conspiracy?

Let me think about what conspiracy is. I remember that conspiracy is an agreement between two or more people to commit a crime. It's an inchoate offence, like attempt and incitement. The agreement itself is the actus reus, and the mens rea is the intention that the crime be carried out.

So the agreement was made. They agreed to rob a bank. At that moment, is the conspiracy complete? Hmm. I think in English law, yes, the offence is complete once the agreement is made. In some US jurisdictions, an overt act in furtherance is required as well. But the question doesn't say which jurisdiction.

Wait, but then the first person withdrew. He told the other he wouldn't take part. Does withdrawal work as a defence?

Hmm. Let me think about withdrawal in complicity. For accessories, withdrawal can be a defence if it's communicated and timely, and sometimes the person must take reasonable steps to prevent the crime, especially when the crime is imminent. Telling the principal I'm out, clearly and in good time, has been enough in some cases. Here he told the other person he wouldn't take part, which is a clear communication made before the robbery.

Hmm, but is that the same for conspiracy? Maybe. Maybe not. Let me think again.

Actually, I'm not sure. The purpose of punishing conspiracy is to stop crimes before they happen. If someone withdraws before anything happens, the law should encourage that, shouldn't it? If withdrawal never helped, there'd be no incentive to withdraw. That seems like a strong policy argument.

Wait, but what about the overt act requirement? Under the US Model Penal Code, a conspirator who renounces, and thwarts the success of the conspiracy, has a defence. Thwarts. That's more than just telling the other person. Hmm, but he did tell him. Maybe that's enough in some places.

Hmm, I keep going back and forth. Let me try to settle it.

On one hand, the agreement was made, and the conspiracy was arguably complete at that moment. On the other hand, he clearly withdrew before the robbery, and the robbery was carried out by someone else alone. He didn't participate in the robbery at all. He wasn't there. He didn't help. He said he was out.

Actually, I think the better view is that a timely, clearly communicated withdrawal relieves him of liability for the conspiracy as well as the robbery, because he no longer shares the common purpose at the time anything is done. He has withdrawn from the agreement, so the agreement, for him, no longer exists. The law wants to reward people who pull out.

Hmm, maybe I'm wrong about that. But the policy reasons seem strong. He told the other person. He did it before the robbery. He took no part.

So, I'll conclude that his clear, timely withdrawal means he is probably not liable for conspiracy, though he might have been liable had he not withdrawn. The other person is liable for the robbery and, perhaps, for conspiracy too, though a conspiracy needs two parties, so if the first withdrew, the second may only be liable for the robbery itself.

So the answer: no, the withdrawal most likely protects the first person from liability for conspiracy.""",
    response="""Probably not. The first person clearly told his partner, before anything was done, that he would not take part, and he played no role in the robbery. A timely, clearly communicated withdrawal ends his share in the common purpose, and the law has good reason to reward people who pull out of criminal plans. The partner who carried out the robbery is liable for it, but the first person's withdrawal most likely protects him from liability for conspiracy.""",
    final="Probably not liable for conspiracy",
    notes=dict(strategies=["recalling_knowledge", "expressing_uncertainty", "case_analysis", "backtracking"],
               verbosity=7, correct=False),
))

# -------------------------------------------------------------------------------------------------- History

TRACES.append(dict(
    question_id="nts-189",
    reasoning="""Okay, so I need two things: the number of years between 1215 and 1776, and which idea in Magna Carta influenced later constitutional thinking.

Years: 1776 - 1215. 1776 - 1200 = 576, minus 15 = 561. Let me verify: 1215 + 561 = 1776. Yes, 561 years.

The idea: Magna Carta was sealed by King John at Runnymede in 1215 under pressure from rebel barons. Most of its clauses dealt with feudal grievances, such as reliefs, scutage and the rights of widows, but a few had a long afterlife. The most famous is the clause, numbered 39 in the 1215 text, that no free man shall be seized, imprisoned, dispossessed, outlawed or exiled except by the lawful judgement of his peers or by the law of the land. Together with clause 40, no right or justice will be sold, denied or delayed, it became the root of due process and trial by jury.

The broader principle behind it is that the king himself is bound by law, the rule of law as opposed to arbitrary rule. Seventeenth-century lawyers like Edward Coke invoked it against the Stuarts, and the American colonists drew on that tradition when they argued that their rights as Englishmen were being violated. The Fifth Amendment's due process clause echoes the law of the land language.""",
    response="""1776 − 1215 = 561 years separate the two documents. The idea with the longest influence is that even the ruler is bound by the law: no free man may be imprisoned, dispossessed or punished except by the lawful judgement of his peers or by the law of the land (clause 39). This became the basis of due process and the rule of law, and through Coke and the colonists it reached the American founders and the Fifth Amendment.""",
    final="561 years; even the ruler is bound by law",
    notes=dict(strategies=["subgoal_setting", "self_verification", "recalling_knowledge"], verbosity=1, correct=True),
))

TRACES.append(dict(
    question_id="nts-072",
    reasoning="""Okay, so the question is asking how the Ottoman capture of Constantinople in 1453 connects to the European voyages of exploration that followed.

Let me recall the basic facts. Mehmed II took Constantinople in 1453, ending the Byzantine Empire. The Ottomans then controlled the Bosporus and the land routes between Europe and Asia through Anatolia and, later, Syria and Egypt (after 1517). The spice trade, pepper, cinnamon, cloves, nutmeg from India and the East Indies, plus silk from China, came west through these routes, via the Red Sea or the Persian Gulf to Alexandria, Beirut and the Levant, where Venetian and Genoese merchants bought them.

The usual story goes like this: the Ottomans blocked or taxed the trade, prices for spices rose in Europe, so Europeans looked for a sea route to Asia that bypassed the Ottoman and Venetian middlemen. Portugal went around Africa, Dias reached the Cape of Good Hope in 1488 and Vasco da Gama reached India in 1498, and Spain backed Columbus going west in 1492.

Hmm, but I'm not sure the story is that simple. Historians have pointed out a few problems with the blockade version. First, the Portuguese voyages down the African coast started well before 1453: Henry the Navigator's expeditions began in the 1410s and 1420s, Ceuta was taken in 1415, and the Portuguese were after West African gold, slaves and the legendary Prester John as much as spices. Second, the Ottomans didn't actually cut off the spice trade; they wanted the customs revenue, and Venice kept trading in Alexandria and the Levant throughout, with the spice trade through the Levant recovering strongly in the sixteenth century. And the Red Sea route was Mamluk, not Ottoman, until 1517.

So the connection is real but it's not a simple cause and effect. Let me think about how to put it.

What the fall of Constantinople did was to strengthen a state that sat across the eastern trade routes and was hostile to Christian Europe, so the existing arrangement, where Italian cities, especially Venice, dominated the supply of eastern goods through Muslim intermediaries, looked permanent. That gave the Atlantic powers, Portugal and Castile, who had no share in the Mediterranean trade, a strong motive to find a direct sea route and take the profits themselves. It also sharpened the crusading and religious motive: reaching Asia by sea might outflank Islam, find Christian allies, and spread the faith.

Alternatively, one could emphasise an indirect effect: Greek scholars fled west with manuscripts, which fed the Renaissance interest in classical geography, such as Ptolemy's Geography. But Ptolemy was translated into Latin around 1406-1410, before the fall, so that link is weaker.

Putting it together: the capture of Constantinople consolidated Ottoman control over the overland and eastern Mediterranean routes to Asia, reinforcing high prices and dependence on Muslim and Venetian middlemen for spices and silk. That pushed the Atlantic states, Portugal and Spain, to seek sea routes to Asia, round Africa and across the Atlantic. It accelerated and motivated exploration rather than starting it, since Portugal's African voyages were already under way.""",
    response="""After 1453 the Ottoman Empire controlled the Bosporus and, increasingly, the overland and eastern Mediterranean routes by which spices and silk reached Europe, so these goods came through Muslim and Venetian middlemen at high prices and under the control of a hostile power. That gave the Atlantic states, first Portugal and then Spain, a strong motive to find their own sea route to Asia: round Africa (Dias 1488, da Gama 1498) or westward (Columbus 1492). The fall of Constantinople strengthened this push rather than starting it: Portuguese voyages along Africa had begun decades earlier, and the Levant spice trade never stopped entirely.""",
    final="Europeans sought sea routes around Ottoman-controlled trade",
    notes=dict(strategies=["restating_problem", "recalling_knowledge", "expressing_uncertainty",
                           "exploring_alternatives", "summarizing_progress"],
               verbosity=3, correct=True),
))

TRACES.append(dict(
    question_id="nts-124",
    reasoning="""Okay, so the question is asking in which century Rome passed from republic to empire, and what political changes under Augustus marked the transition.

Hmm. The century. Rome became an empire under Augustus. Augustus became emperor in 27 BC. So that's the first century BC. Wait, is 27 BC in the first century BC? The first century BC runs from 100 BC to 1 BC. So 27 BC is in the first century BC. Yes.

Hmm, but wait. Some people say the empire started with Julius Caesar. Caesar was dictator. Caesar was assassinated in 44 BC. So that's also the first century BC. Either way, the first century BC. Hmm. The first century BC.

Wait, but actually, what about 31 BC, the battle of Actium? Octavian defeated Antony and Cleopatra at Actium in 31 BC. That's also the first century BC. So whether the transition is dated to 44, 31 or 27 BC, it's the first century BC.

Hmm, let me make sure about the century counting. 100 BC to 1 BC is the first century BC. 200 BC to 101 BC is the second century BC. So 27 BC is in the first century BC. Yes. The first century BC.

Okay. So the century is the first century BC. The first century BC.

Now, the political changes under Augustus. Hmm. Let me think.

Augustus. In 27 BC the Senate gave him the name Augustus. He claimed to restore the Republic. He said he restored the Republic. Hmm, but he didn't really restore the Republic. He kept the forms of the Republic but held the real power himself.

Wait, what exactly did he have? Let me think. He had the tribunician power, tribunicia potestas, from 23 BC. That gave him the power to propose laws and veto, and sacrosanctity. He had proconsular imperium, maius imperium, over the provinces with armies. So he controlled the armies. He controlled the armies.

Hmm, and he was princeps, first citizen. The system is called the Principate. The Principate. He wasn't called king, because Romans hated the idea of a king, rex. He wasn't called dictator either, because of what happened to Caesar.

Wait, let me go back. Hmm. Wait. So the changes. One: the army. The legions were loyal to him personally. He paid them. He set up the aerarium militare, the military treasury, in AD 6 to pay veterans. Hmm, AD 6 is the first century AD, not BC. But that's still part of his reign. His reign went from 27 BC to AD 14. So his reign spans both centuries. But the transition itself is the first century BC.

Hmm, so the transition is the first century BC. Yes. The first century BC. Hmm.

Two: the provinces. In 27 BC the provinces were divided. The peaceful ones were left to the Senate, and the ones with armies were governed by Augustus through his legates. So he controlled the provinces with the armies. He controlled the armies. Hmm. Wait.

Three: the Senate. The Senate still met. The magistrates were still elected, consuls, praetors. But Augustus decided who got elected, more or less. He recommended candidates. Hmm, I'm not sure how formal that was. I think it was informal, through his auctoritas, his authority. His authority.

Four: the Praetorian Guard. He created a permanent bodyguard in Rome, the Praetorian Guard. Hmm, I'm not sure of the exact date, but it was under Augustus.

Five: succession. He tried to set up a successor. Marcellus, Agrippa, Gaius and Lucius, and finally Tiberius. So power became hereditary in practice, within the family. That's a big change from the Republic, where offices were annual and elected.

Wait, let me think again about whether that's the key point. The key point is that power was concentrated in one person, permanently, while the Republican forms stayed. The Republic had annual magistrates, collegiality, two consuls, and the Senate's authority. Under Augustus, one man held the powers of several offices at once, for life, and controlled the army and the money.

Hmm, let me recap. Century: the first century BC. The first century BC. Changes: the Principate, with Augustus as princeps, first citizen; tribunician power and maius imperium; control of the armies and the armed provinces; a standing professional army paid by him; the Praetorian Guard; the Senate and the magistracies kept but under his control; and a hereditary succession in practice.

Hmm, is there anything else? The cult of the emperor in the provinces. The title pater patriae, father of the country, in 2 BC. Pontifex maximus in 12 BC. So he also headed the state religion. He headed the state religion.

Wait, 2 BC is the first century BC too. And 12 BC. Yes.

Hmm. Wait. Okay, I think that's it. He controlled the armies. The first century BC. Let me recap once more. Century: the first century BC, with Augustus from 27 BC. Changes: the Principate, the façade of the Republic kept while one man held permanent tribunician power and overriding imperium, command of the armies and armed provinces, control of the treasury for veterans, the Praetorian Guard, religious headship, and dynastic succession.

Hmm. So the answer is the first century BC. The first century BC.""",
    response="""The transition happened in the first century BC: the Republic collapsed through the civil wars (Caesar's dictatorship, ended by his murder in 44 BC, and Octavian's victory at Actium in 31 BC), and Octavian became Augustus in 27 BC. Augustus created the Principate. He kept the Senate, the elections and the magistracies in form, but as princeps he held permanent tribunician power and an overriding (maius) imperium, and he commanded the armies and governed the armed provinces through his legates. He also paid the soldiers through a military treasury, kept the Praetorian Guard in Rome, became pontifex maximus and arranged a dynastic succession, ending with Tiberius. Power that the Republic had spread among annual, collegial offices now rested permanently with one man.""",
    final="The first century BC (Augustus from 27 BC)",
    notes=dict(strategies=["restating_problem", "recalling_knowledge", "self_verification",
                           "expressing_uncertainty", "backtracking", "summarizing_progress"],
               verbosity=9, correct=True),
))
