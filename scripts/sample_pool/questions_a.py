"""Questions written for the naturalthoughts sample pool (CC-BY-4.0, see src/naturalthoughts/data/LICENSE-DATA.md).

Part A: Engineering, Philosophy, Medicine, Economics, Science. Each entry is (question, reference answer or None).
"""

ENGINEERING = [
    ("A simply supported steel beam with a span of 6 m carries a uniformly distributed load of 10 kN/m over its "
     "whole length. Determine the maximum bending moment in the beam and where along the span it occurs.",
     "45 kN·m, at midspan (wL²/8)"),
    ("A 230 V single-phase motor draws 8 A at a power factor of 0.8 lagging. Calculate the real power and the reactive "
     "power it takes, and the capacitance that must be connected in parallel at 50 Hz to raise the power factor to 1.",
     "P ≈ 1.47 kW, Q ≈ 1.10 kvar, C ≈ 66 µF"),
    ("Water flows through a horizontal pipe that narrows from a diameter of 10 cm to 5 cm. If the velocity in the wide "
     "section is 2 m/s, find the velocity in the narrow section and the pressure drop between the two sections, "
     "neglecting friction losses and taking the density of water as 1000 kg/m³.",
     "8 m/s; a pressure drop of 30 kPa"),
    ("An inventor claims that a heat engine running between reservoirs at 600 K and 300 K delivers 60 kJ of work for "
     "every 100 kJ of heat it absorbs. Using the Carnot limit, decide whether the claim can be true and explain why.",
     "No: the Carnot limit is 50%, the claim implies 60%"),
    ("A voice signal contains frequency components up to 3.4 kHz. What is the minimum sampling rate that avoids "
     "aliasing, and why do practical telephone systems sample at 8 kHz rather than at that minimum?",
     "6.8 kHz; the margin lets a realisable anti-aliasing filter roll off between 3.4 and 4 kHz"),
    ("A wooden shelf fixed at one end sags noticeably under a load of books. Compare the effect on its tip deflection "
     "of doubling the shelf's thickness (depth) with that of doubling its width, and explain the difference.",
     "Doubling thickness cuts deflection to 1/8; doubling width only halves it (I = bh³/12)"),
    ("A 12 V battery rated at 100 Ah powers a 60 W load through an inverter that is 90% efficient. If the battery must "
     "not be discharged below half of its capacity, for how many hours can it run the load?",
     "About 9 hours"),
    ("A concrete road is cast in slabs 20 m long. The slab temperature can vary over a range of 40 °C and the thermal "
     "expansion coefficient of concrete is 12 × 10⁻⁶ per °C. Estimate the width of expansion gap needed between slabs.",
     "About 10 mm (9.6 mm)"),
    ("A driving gear with 20 teeth meshes with a driven gear of 60 teeth. The input shaft turns at 1500 rpm with a "
     "torque of 10 N·m. Assuming the gear pair is 95% efficient, find the output speed and the output torque.",
     "500 rpm and 28.5 N·m"),
    ("Passenger aircraft windows have rounded corners rather than square ones. Explain the engineering reasons, "
     "referring to stress concentration and metal fatigue under repeated cabin pressurisation.",
     None),
    ("A 1 kΩ resistor and an initially uncharged 10 µF capacitor are connected in series across a 5 V DC supply when a "
     "switch closes. Find the circuit's time constant and the capacitor voltage 20 ms after the switch closes.",
     "τ = 10 ms; about 4.3 V"),
    ("A pump lifts 0.02 m³ of water per second through a height of 25 m. If the pump and motor together are 70% "
     "efficient, how much electrical power does the pump draw? Take g = 9.81 m/s².",
     "About 7.0 kW"),
    ("A team building a payment service must choose between one powerful database server and a cluster of smaller "
     "replicated servers. Discuss the trade-offs between the two designs in terms of availability, consistency, "
     "operational complexity and cost.",
     None),
    ("A steel rod 2 m long with a cross-sectional area of 100 mm² carries a tensile load of 20 kN. Taking Young's "
     "modulus as 200 GPa, find the stress in the rod and how much it stretches.",
     "200 MPa; 2 mm"),
    ("A road must cross a deep, navigable river 300 m wide. Compare a suspension bridge, a cable-stayed bridge and a "
     "series of concrete girder spans on piers for this site, considering span, foundations, navigation clearance and "
     "cost, and say which type is most likely to suit.",
     None),
    ("A car of mass 1200 kg accelerates uniformly from rest to 27 m/s in 9 s on a level road. Ignoring losses, what "
     "average power must the engine deliver during the acceleration, and what power is needed at the end of it?",
     "About 48.6 kW on average and 97.2 kW at the end"),
]

PHILOSOPHY = [
    ("Consider the argument: 'Every event has a cause; human choices are events; therefore human choices are caused, "
     "so no choice is free.' Identify the unstated premise the conclusion depends on and explain how a compatibilist "
     "would reject it.",
     "The hidden premise is that a caused choice cannot be free; compatibilists define freedom as acting on one's own "
     "motives without coercion"),
    ("Many people think it permissible to divert a runaway trolley so that it kills one person instead of five, yet "
     "wrong to push a large man off a footbridge to stop it. Explain how the doctrine of double effect accounts for "
     "the difference between the two cases.",
     "In the switch case the death is a foreseen side effect; in the footbridge case it is the intended means"),
    ("Is the sentence 'This sentence is false' true or false? Explain why it produces a paradox and describe one "
     "proposed way of resolving it.",
     None),
    ("Over many years every plank of a wooden ship is replaced, and the old planks are collected and reassembled into "
     "a second ship. Which ship is the original? Discuss the question using at least two different criteria of "
     "identity over time.",
     None),
    ("Evaluate the argument: 'If God exists, there is no pointless suffering. There is pointless suffering. Therefore "
     "God does not exist.' Name its logical form, say whether it is valid, and identify the premise theists most "
     "often dispute.",
     "Modus tollens, valid; theists usually deny that the suffering is truly pointless"),
    ("Descartes argued that he could doubt that his body exists but could not doubt that his mind exists, and "
     "concluded that mind and body are distinct things. Explain the logical weakness in this inference, using an "
     "analogy such as the 'masked man' fallacy.",
     "Being doubted is not a real property of a thing, so a difference in what can be doubted does not prove "
     "non-identity"),
    ("Explain the difference between a valid argument and a sound argument, and construct an example of an argument "
     "that is valid but not sound.",
     "Valid: the conclusion follows from the premises; sound: valid with true premises"),
    ("Hume held that no conclusion about what ought to be done follows from premises only about what is the case. "
     "Explain the claim and assess whether the argument 'Smoking causes cancer, so you ought not to smoke' breaks it.",
     "The argument needs a hidden normative premise, such as that one ought not to harm one's health"),
    ("John Rawls asks us to choose principles of justice from behind a 'veil of ignorance'. Explain why he thought "
     "rational people in that position would choose his difference principle rather than maximising average welfare.",
     None),
    ("Could a computer program that passes the Turing test still lack any understanding of language? Present Searle's "
     "Chinese Room argument and the 'systems reply' to it, and assess which is more convincing.",
     None),
    ("A man promised his dying friend to scatter the friend's ashes at sea, a trip that would cost the same as a "
     "donation that could save a stranger's life. Explain how an act utilitarian and a rule utilitarian would each "
     "reason about whether to keep the promise.",
     None),
    ("Zeno argued that Achilles can never catch a tortoise with a head start. If Achilles runs ten times as fast as the "
     "tortoise and the tortoise starts 100 m ahead, how far does Achilles run before catching it, and how does the "
     "idea of a convergent infinite series answer the mathematical side of the paradox?",
     "1000/9 m, about 111.1 m"),
    ("A naturalist has seen thousands of swans, all of them white, and concludes that all swans are white. Explain "
     "the problem of induction this raises, as Hume described it, and Karl Popper's falsificationist response.",
     None),
    ("Set out Pascal's Wager as a decision problem with a payoff matrix, explain why it seems to recommend belief, and "
     "explain the 'many gods' objection to it.",
     None),
    ("Suppose knowledge is defined as justified true belief. Construct a case in the style of Gettier in which someone "
     "has a justified true belief that is not knowledge, and explain what the case shows about the definition.",
     None),
    ("Moral relativism holds that a moral judgement is true only relative to the standards of a culture. Explain why, "
     "if this view were correct, a reformer who opposes her own society's accepted practices would always be wrong.",
     "Her judgements would be false by definition, since they contradict her culture's standards"),
]

MEDICINE = [
    ("A patient weighing 70 kg is prescribed a drug at 5 mg/kg/day, divided into three equal doses. How many "
     "milligrams should each dose contain?",
     "About 117 mg (350 mg/day ÷ 3)"),
    ("A screening test for a disease has a sensitivity of 90% and a specificity of 95%. In a population where 2% of "
     "people have the disease, what is the probability that a person who tests positive actually has it?",
     "About 27%"),
    ("A drug has an elimination half-life of 6 hours and follows first-order kinetics. If its plasma concentration is "
     "80 mg/L at 8 a.m. and no further doses are given, what will the concentration be at 8 p.m. the same day?",
     "20 mg/L"),
    ("A patient with type 1 diabetes stops taking insulin during an illness and develops diabetic ketoacidosis. Trace "
     "the metabolic steps that lead from insulin deficiency to metabolic acidosis.",
     "Unopposed lipolysis supplies fatty acids that the liver turns into ketone acids, which accumulate faster than "
     "they are used and lower blood pH"),
    ("An arterial blood gas shows pH 7.30, PaCO2 60 mmHg and bicarbonate 29 mmol/L. Identify the primary acid-base "
     "disorder and say whether, and how far, it is compensated.",
     "Respiratory acidosis with partial metabolic (renal) compensation"),
    ("Calculate the body mass index of an adult who is 1.75 m tall and weighs 92 kg, and classify the result using the "
     "World Health Organization categories.",
     "About 30.0 kg/m², obesity class I"),
    ("In a clinical trial a new drug lowers the five-year risk of stroke from 10% to 7.5%. Calculate the absolute risk "
     "reduction, the relative risk reduction and the number needed to treat to prevent one stroke.",
     "ARR 2.5 percentage points, RRR 25%, NNT 40"),
    ("Why do clinicians avoid prescribing broad-spectrum antibiotics for routine viral upper respiratory infections? "
     "Discuss the consequences for the individual patient and for the wider population.",
     None),
    ("One litre of saline must be infused over 8 hours through a giving set that delivers 20 drops per millilitre. "
     "Calculate the required drip rate in drops per minute.",
     "About 42 drops per minute"),
    ("A 60-year-old smoker has crushing chest pain spreading to the left arm, and his ECG shows ST elevation in leads "
     "II, III and aVF. Which coronary artery is most likely blocked, and why is the time to reperfusion so important?",
     "The right coronary artery (inferior infarction); heart muscle dies progressively while it stays blocked"),
    ("Explain how herd immunity protects unvaccinated people, and calculate the approximate vaccination coverage "
     "needed to stop sustained spread of an infection with a basic reproduction number of 5, assuming the vaccine is "
     "fully effective.",
     "80%"),
    ("To measure creatinine clearance, a patient's urine is collected for 24 hours: 1.44 L of urine with a creatinine "
     "concentration of 100 mg/dL, while plasma creatinine is 1.0 mg/dL. Calculate the creatinine clearance in mL/min.",
     "100 mL/min"),
    ("Explain why a person with blood group O RhD-negative is called a universal donor of red cells, while a person "
     "with group AB RhD-positive is called a universal recipient.",
     "O-negative red cells carry no A, B or RhD antigens; AB-positive plasma has no anti-A, anti-B or anti-D antibodies"),
    ("A medicine's adult dose is 500 mg for a body surface area of 1.73 m². If doses are scaled by body surface area, "
     "what dose should a child with a body surface area of 0.8 m² receive?",
     "About 231 mg"),
    ("A climber ascends rapidly to 4,500 m and develops breathlessness and a cough with frothy sputum. Explain the "
     "physiology of high-altitude pulmonary oedema and why descent is the most effective treatment.",
     "Hypoxic pulmonary vasoconstriction raises capillary pressure unevenly and fluid leaks into alveoli; descent "
     "restores oxygen and relieves the vasoconstriction"),
    ("A cohort study follows 2,000 coffee drinkers and 2,000 non-drinkers for ten years. Sixty coffee drinkers and "
     "forty non-drinkers develop a particular disease. Calculate the relative risk and name one confounder that could "
     "explain the association.",
     "Relative risk 1.5; smoking is a plausible confounder"),
]

ECONOMICS = [
    ("When the price of a good rises from $10 to $12, the quantity demanded falls from 1,000 to 900 units. Using the "
     "midpoint method, calculate the price elasticity of demand and say whether demand is elastic or inelastic.",
     "About -0.58, inelastic"),
    ("A country's nominal GDP rises from $500 billion to $550 billion in a year while its GDP deflator rises from 100 "
     "to 105. What was the growth rate of real GDP?",
     "About 4.8%"),
    ("A monopolist faces the demand curve P = 100 - 2Q and has a constant marginal cost of 20. Find its "
     "profit-maximising quantity and price, and compare them with the outcome under perfect competition.",
     "Q = 20 and P = 60; competition would give Q = 40 and P = 20"),
    ("Explain why a binding minimum wage set above the equilibrium wage can cause unemployment in a competitive labour "
     "market, yet may raise employment in a labour market dominated by a single employer (monopsony).",
     None),
    ("The reserve requirement is 10% and the central bank adds $1 million of new reserves to the banking system. "
     "According to the simple money multiplier, what is the largest possible increase in the money supply, and why is "
     "the actual increase usually smaller?",
     "$10 million; banks hold excess reserves and the public holds some money as cash"),
    ("You are offered $1,000 today or $1,150 in two years. If the annual interest rate is 6%, compounded annually, "
     "which option is worth more in present-value terms?",
     "The $1,150 in two years (present value about $1,023.50)"),
    ("Two firms can each set a high or a low price. If both set high prices each earns 10; if both set low prices each "
     "earns 5; if one sets a low price and the other a high price, the low-price firm earns 15 and the other 2. Find "
     "the Nash equilibrium and explain why the situation is a prisoner's dilemma.",
     "Both set low prices (5, 5), although both would be better off at high prices"),
    ("A tax of $2 per unit is levied on sellers of a good with supply P = 2 + Q and demand P = 20 - 2Q. Find the new "
     "equilibrium quantity, the price paid by buyers, the price kept by sellers and the tax revenue.",
     "Q ≈ 5.33, buyers pay ≈ $9.33, sellers keep ≈ $7.33, revenue ≈ $10.67"),
    ("Explain why a depreciation of a country's currency can first worsen its trade balance and only later improve it, "
     "the pattern known as the J-curve.",
     None),
    ("In an economy where the marginal propensity to consume is 0.8, the government raises spending by $50 billion. "
     "According to the simple Keynesian multiplier, by how much could equilibrium output rise, and what reduces this "
     "effect in practice?",
     "$250 billion; taxes, imports and crowding out reduce it"),
    ("A worker in country A can produce 10 tonnes of wheat or 5 cars; a worker in country B can produce 6 tonnes of "
     "wheat or 4 cars. Which country has the comparative advantage in cars, and which should export wheat?",
     "B has the comparative advantage in cars; A should export wheat"),
    ("Using the expectations-augmented Phillips curve, explain why holding unemployment below its natural rate can "
     "lead to ever-rising inflation.",
     None),
    ("A firm has fixed costs of $40,000, sells its product for $25 per unit and has a variable cost of $15 per unit. "
     "How many units must it sell to break even, and what profit does it make if it sells 6,000 units?",
     "4,000 units; $20,000"),
    ("Tickets for a popular concert are often resold online far above their face value. Explain why, and analyse who "
     "gains and who loses if resale is banned.",
     None),
    ("A savings account pays 5% nominal interest while inflation is expected to be 3%. What is the approximate real "
     "interest rate, and how would an unexpected rise of inflation to 6% shift wealth between borrowers and lenders?",
     "About 2%; borrowers gain and lenders lose when inflation turns out higher"),
    ("A public park is open to everyone and one more visitor usually costs others nothing. Explain why private markets "
     "tend to under-provide such a park, and how the analysis changes once the park becomes crowded.",
     "Non-excludability invites free riding; once crowded, use becomes rival and the park behaves like a common resource"),
]

SCIENCE = [
    ("A ball is thrown straight up at 20 m/s. Neglecting air resistance and taking g = 9.8 m/s², how long does it take "
     "to return to the thrower's hand, and what maximum height does it reach?",
     "About 4.1 s; about 20.4 m"),
    ("How many grams of sodium chloride are needed to prepare 500 mL of a 0.2 mol/L solution? The molar mass of NaCl "
     "is 58.44 g/mol.",
     "About 5.84 g"),
    ("Two parents are both healthy carriers of a recessive allele that causes a genetic disease. What is the "
     "probability that their first child is affected, and what is the probability that an unaffected child is a "
     "carrier?",
     "1/4; 2/3"),
    ("Carbon-14 has a half-life of 5,730 years. What fraction of the original carbon-14 remains in a sample after "
     "17,190 years, and how old is a sample whose carbon-14 activity has fallen to 1/16 of its original value?",
     "1/8; about 22,920 years"),
    ("Explain why the daytime sky looks blue while the sky near the setting sun often looks red or orange, using the "
     "wavelength dependence of Rayleigh scattering.",
     "Scattering grows as 1/λ⁴, so blue light is scattered across the sky; at sunset the long path scatters blue out of "
     "the direct beam, leaving red"),
    ("Write a balanced equation for the complete combustion of propane (C3H8) and calculate the mass of carbon dioxide "
     "produced when 88 g of propane burns completely.",
     "C3H8 + 5O2 → 3CO2 + 4H2O; 264 g of CO2"),
    ("A light ray passes from air into glass of refractive index 1.5 at an angle of incidence of 30°. Find the angle "
     "of refraction, and the critical angle for light travelling from this glass into air.",
     "About 19.5°; about 41.8°"),
    ("Explain why the Moon always shows the same face to the Earth, describing how tidal forces and energy "
     "dissipation led to tidal locking.",
     None),
    ("A sample of ideal gas occupies 10 L at 300 K and 1 atm. It is heated to 450 K while its pressure is raised to "
     "1.5 atm. What is its new volume?",
     "10 L"),
    ("Explain how natural selection can make antibiotic resistance spread through a bacterial population in a "
     "hospital, and list the conditions that must hold for this to happen.",
     None),
    ("A satellite moves in a circular orbit of radius 42,000 km around the Earth. Given that the Moon orbits at about "
     "384,000 km with a period of about 27.3 days, use Kepler's third law to estimate the satellite's period.",
     "About one day (roughly 24 hours)"),
    ("What is the pH of a 0.01 mol/L solution of hydrochloric acid, and what is its pH after being diluted 100-fold "
     "with pure water?",
     "pH 2, then pH 4"),
    ("Water boils at 100 °C while hydrogen sulfide, a heavier molecule, boils at about -60 °C. Explain the difference "
     "in terms of intermolecular forces.",
     "Hydrogen bonding between water molecules"),
    ("A 2 kg block slides from rest down a frictionless incline from a height of 5 m and then onto a rough horizontal "
     "floor with a coefficient of kinetic friction of 0.25. How far does it slide along the floor before stopping?",
     "20 m"),
    ("Using hc ≈ 1240 eV·nm, calculate the energy in electronvolts of a photon with a wavelength of 500 nm, and decide "
     "whether such photons can eject electrons from a metal whose work function is 2.3 eV.",
     "About 2.48 eV; yes, with up to about 0.18 eV of kinetic energy"),
    ("In a food chain roughly 10% of the energy at one trophic level passes to the next. If the producers capture "
     "100,000 kJ, how much energy reaches the tertiary consumers, and why are food chains rarely longer than four or "
     "five levels?",
     "100 kJ"),
]
