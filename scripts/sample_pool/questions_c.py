"""Questions written for the naturalthoughts sample pool (CC-BY-4.0, see src/naturalthoughts/data/LICENSE-DATA.md).

Part C: Literature and Arts, Agronomy, Sociology, Military Science. Each entry is (question, reference answer or None).
"""

LITERATURE_AND_ARTS = [
    ("In Shakespeare's Macbeth, explain how the witches' prophecy acts as a catalyst rather than the cause of "
     "Macbeth's downfall.",
     None),
    ("How many lines does a Shakespearean sonnet have and what is its rhyme scheme? Explain how the closing couplet "
     "often turns or resolves the poem's argument.",
     "14 lines, rhyming abab cdcd efef gg"),
    ("Explain how linear perspective, developed by painters of the Italian Renaissance, creates an illusion of depth on "
     "a flat surface.",
     "Parallel lines receding from the viewer converge on a vanishing point on the horizon, and objects shrink with "
     "distance"),
    ("Compare an unreliable first-person narrator with an omniscient third-person narrator, and discuss how the choice "
     "changes a reader's trust in a detective story.",
     None),
    ("An octave corresponds to a doubling of frequency. If the note A4 is tuned to 440 Hz, what are the frequencies of "
     "A5 and A3, and what is the frequency ratio between adjacent semitones in equal temperament?",
     "880 Hz and 220 Hz; 2^(1/12) ≈ 1.0595"),
    ("Cervantes' Don Quixote is often called the first modern novel. Explain why, discussing its use of parody and its "
     "awareness of itself as a book.",
     None),
    ("How did the invention of photography in the nineteenth century influence Impressionism and, later, abstract "
     "painting?",
     None),
    ("Identify the metre of the line 'Shall I compare thee to a summer's day?' and show how the line scans.",
     "Iambic pentameter: five unstressed-stressed feet"),
    ("Explain the role of the chorus in ancient Greek tragedy and how it differs from the narrator of a modern novel.",
     None),
    ("In George Orwell's Nineteen Eighty-Four the regime develops 'Newspeak'. Explain how, according to the novel, "
     "controlling language could limit people's ability to think rebellious thoughts.",
     "By removing the words needed to express dissent, Newspeak aims to make heretical thought impossible"),
    ("A film director shoots a character from a low camera angle. What effect does this usually have on how the "
     "audience sees the character, and how might the opposite angle be used?",
     "A low angle makes the character look powerful; a high angle makes them look small or vulnerable"),
    ("Describe Joseph Campbell's 'hero's journey' and apply its main stages to a well-known story of your choice.",
     None),
    ("Why did Gothic cathedrals use flying buttresses, and how did they allow much larger stained-glass windows than "
     "Romanesque churches had?",
     "They carry the outward thrust of the vaults away from the walls, so the walls need not be thick and can be opened "
     "up for windows"),
    ("An epistolary novel tells its story through letters. Discuss the strengths and limits of this form for building "
     "suspense and revealing character.",
     None),
    ("Explain the distinction Aristotle draws in the Poetics between tragedy and comedy, including his idea of "
     "catharsis.",
     None),
    ("Mixing blue and yellow paint gives green, yet overlapping blue and yellow light gives nearly white. Explain the "
     "difference between subtractive and additive colour mixing.",
     "Paints absorb (subtract) wavelengths, leaving what both reflect; lights add their wavelengths together"),
]

AGRONOMY = [
    ("A farmer must apply 120 kg of nitrogen per hectare using urea, which is 46% nitrogen. How much urea is needed "
     "for a 5-hectare field?",
     "About 1,300 kg (1.3 t)"),
    ("Explain why rotating cereals with legumes such as soybean or clover can reduce the nitrogen fertiliser needed by "
     "the following cereal crop.",
     "Rhizobia in legume root nodules fix atmospheric nitrogen, and residues release it to the next crop"),
    ("A 2-hectare field yielded 9,000 kg of wheat. What was the yield in tonnes per hectare, and how many 50 kg sacks "
     "would the harvest fill?",
     "4.5 t/ha; 180 sacks"),
    ("Explain how heavy irrigation without adequate drainage can make soils saline in arid regions.",
     "Water tables rise and evaporation leaves dissolved salts behind in the root zone"),
    ("Why does growing a single crop variety over very large areas increase the risk of severe disease outbreaks? "
     "Illustrate with the Irish potato famine.",
     None),
    ("A soil test shows pH 5.0, while the legume crop to be grown prefers about pH 6.5. Explain why soil acidity "
     "affects nutrient availability and how liming corrects it.",
     None),
    ("A drip irrigation system has one emitter per plant delivering 2 litres per hour, with 2,500 plants per hectare. "
     "How many hours must it run to apply the equivalent of 5 mm of water over one hectare?",
     "10 hours"),
    ("Explain the role of pollinators in fruit and nut production, and what would happen to almond yields if honeybee "
     "colonies in a growing region collapsed.",
     None),
    ("A dairy cow gives 25 litres of milk a day over a 305-day lactation. If the milk contains 4% fat by mass and a "
     "litre of milk weighs 1.03 kg, how many kilograms of milk fat does she produce in the lactation?",
     "About 314 kg"),
    ("Explain why no-till farming can reduce soil erosion, and describe one possible disadvantage of the practice.",
     "Crop residue left on the surface protects the soil; a drawback is heavier reliance on herbicides for weed control"),
    ("Integrated pest management relies on economic thresholds. Explain what an economic threshold is and why spraying "
     "insecticide as soon as any pest appears can be counterproductive.",
     None),
    ("Seed has a germination rate of 85%, and a further 10% of germinated seeds fail to emerge in the field. If the "
     "target stand is 300,000 plants per hectare, how many seeds should be sown per hectare?",
     "About 392,000"),
    ("Explain why rice paddies are kept flooded, and what environmental trade-off the practice creates with respect to "
     "methane emissions.",
     "Flooding suppresses weeds and suits rice, but anaerobic decomposition in the flooded soil releases methane"),
    ("A greenhouse grower raises the CO2 concentration from 400 ppm to 1,000 ppm. Explain why this can increase "
     "photosynthesis in tomato plants, and which other factors may then limit growth.",
     "CO2 is often the limiting substrate for carbon fixation; light, temperature, water and nutrients can then limit"),
    ("A farmer can sell maize now for $180 per tonne, or store it for four months expecting $205 per tonne. Storage "
     "costs $3 per tonne per month and 2% of the grain is expected to be lost. Is storing worthwhile, ignoring interest?",
     "Yes, by about $9 per tonne stored ($188.90 versus $180)"),
    ("Explain how the high-yielding semi-dwarf wheat and rice varieties of the Green Revolution raised yields, and what "
     "dependence on inputs they created.",
     "Short stiff stems let them use heavy fertiliser without lodging, tying yields to fertiliser and irrigation"),
]

SOCIOLOGY = [
    ("Explain Émile Durkheim's finding that suicide rates vary with social integration, and why the study mattered for "
     "establishing sociology as a discipline.",
     None),
    ("A survey finds that people who spend more time on social media report feeling lonelier. Give at least three "
     "explanations for this correlation other than social media causing loneliness.",
     None),
    ("Describe Max Weber's three types of legitimate authority and give a modern example of each.",
     "Traditional, charismatic and rational-legal authority"),
    ("In a town 40% of residents rent their homes, but a telephone survey of 200 people using only landline numbers "
     "finds that 20% are renters. Explain the most likely reason for the discrepancy.",
     "Coverage bias: renters are less likely to have a landline and so are under-sampled"),
    ("Explain social mobility and distinguish intergenerational from intragenerational mobility with an example of "
     "each.",
     None),
    ("Why does rapid urbanisation in many developing countries lead to the growth of informal settlements? Discuss "
     "economic and policy factors.",
     None),
    ("Explain what sociologists mean by the social construction of gender, and how it differs from biological sex.",
     None),
    ("A country's Gini coefficient rises from 0.30 to 0.40 over twenty years. What does this indicate, and what social "
     "consequences might follow?",
     "Income inequality has increased"),
    ("Explain Robert Merton's strain theory of deviance and how it accounts for crime in a society that prizes "
     "material success.",
     None),
    ("In a community of 1,000 people, 30% are over 65. Over a decade, 150 people over 65 die or move away, 100 "
     "residents turn 65, and 200 young families of four people each move in, with no other changes. What share of the "
     "population is then over 65?",
     "About 15% (250 of 1,650)"),
    ("Explain Pierre Bourdieu's concept of cultural capital and how it can reproduce inequality through the education "
     "system.",
     None),
    ("Why do sociologists distinguish prejudice from discrimination? Give an example of discrimination that occurs "
     "without individual prejudice.",
     None),
    ("Explain the argument that industrialisation shifted societies from extended to nuclear families, and the main "
     "criticisms of this argument.",
     None),
    ("A city adopts 'broken windows' policing. Explain the theory behind it and the main criticisms sociologists have "
     "made of it.",
     None),
    ("Explain the bystander effect and how the presence of many witnesses can reduce the chance that any one of them "
     "helps a person in trouble.",
     "Diffusion of responsibility among the onlookers"),
    ("A country's total fertility rate falls from 4.0 to 1.5 children per woman within forty years. What does this "
     "imply for its age structure and its future workforce?",
     "Fertility below replacement (about 2.1) means an ageing population and eventually a shrinking workforce"),
]

MILITARY_SCIENCE = [
    ("Explain Clausewitz's concept of 'friction' in war and give examples of how it can disrupt even a well-planned "
     "operation.",
     None),
    ("Why did trench warfare on the Western Front in the First World War settle into a long stalemate? Discuss the "
     "roles of machine guns, artillery and barbed wire.",
     "Defensive firepower and obstacles outmatched the attacker's ability to cross and exploit no man's land"),
    ("A convoy must cover 240 km at an average driving speed of 40 km/h and halts for 30 minutes after every 2 hours "
     "of driving. How long does the whole journey take?",
     "7 hours (6 hours of driving and two halts)"),
    ("Explain Sun Tzu's saying 'If you know the enemy and know yourself, you need not fear the result of a hundred "
     "battles' in terms of military intelligence.",
     None),
    ("Explain why the Allied landings in Normandy in June 1944 depended on deception operations such as Operation "
     "Fortitude.",
     "To keep German reserves waiting for a main landing at the Pas-de-Calais"),
    ("A shell is fired at 45° elevation with a muzzle velocity of 300 m/s. Ignoring air resistance and taking g = 9.8 "
     "m/s², what is its range, and why is the real range shorter?",
     "About 9.2 km; air drag"),
    ("Explain why logistics is called the lifeblood of military operations, using Napoleon's invasion of Russia in 1812 "
     "as an example.",
     None),
    ("Why did aircraft carriers replace battleships as the dominant naval capital ship during the Second World War?",
     "Carrier aircraft could strike far beyond the range of battleship guns"),
    ("Explain nuclear deterrence based on mutually assured destruction, and why a secure second-strike capability is "
     "essential to it.",
     None),
    ("A force of 3,000 defenders holds a prepared position. Using the traditional 3:1 rule of thumb, how many attackers "
     "are needed, and why is the rule an oversimplification?",
     "9,000"),
    ("Explain why guerrilla forces usually avoid set-piece battles, and how counterinsurgency strategies try to "
     "separate insurgents from the civilian population.",
     None),
    ("Under Lanchester's square law for aimed fire, a force of 1,000 meets an enemy force of 500 of equal quality. "
     "Roughly how many of the larger force remain when the smaller one is destroyed, and what does this imply about "
     "concentrating forces?",
     "About 866"),
    ("Why has holding high ground traditionally been an advantage in land warfare? Discuss observation, fields of fire "
     "and the effect on attacking troops.",
     None),
    ("A radar transmits 1,000 pulses per second. Taking the speed of light as 3 × 10⁸ m/s, up to what range can it "
     "measure target distance without ambiguity?",
     "150 km"),
    ("Explain the strategic importance of maritime chokepoints such as the Strait of Hormuz or the Strait of Gibraltar "
     "in naval warfare and world trade.",
     None),
    ("Explain the concept of combined arms and why infantry, armour and artillery operating together are more "
     "effective than each operating alone.",
     None),
]
