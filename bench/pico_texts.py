"""Texts for Pico's rate calibration (``pico_calibration.py``) and the language bench
(``language_bench.py``), written for them in each language: none is in the library.

CALIBRATION: sentences in the manner of a practice (the rate is set for that kind of
speech). PASSAGES: everyday narrative, as the English passage of ``voice_bench.py``,
for the listener to write down; GENTLE: more for the listener, in the manner of a
practice.
"""

from __future__ import annotations

CALIBRATION = {
    "de": [
        "Nimm dir einen Moment Zeit und lass deinen Blick langsam durch den Raum wandern.",
        "Vielleicht bemerkst du, wie deine Schultern ein wenig sinken.",
        "Es gibt nichts, was du jetzt richtig oder falsch machen könntest.",
        "Spüre, wie der Stuhl dich trägt, und wie deine Füße den Boden berühren.",
        "Wenn Gedanken kommen, darfst du sie freundlich bemerken und weiterziehen lassen.",
        "Lass deinen Atem so fließen, wie er gerade fließen möchte.",
        "Du kannst jederzeit die Augen öffnen oder eine Pause machen.",
        "Achte auf ein Geräusch in deiner Nähe, und dann auf eines in der Ferne.",
        "Vielleicht magst du eine Hand auf deine Brust legen und die Wärme spüren.",
        "Du bist hier, in diesem Raum, an diesem Tag, und du bist sicher genug.",
        "Nimm wahr, was sich im Körper gerade angenehm oder neutral anfühlt.",
        "Wenn du so weit bist, kehre in deinem eigenen Tempo zurück.",
    ],
    "es": [
        "Tómate un momento y deja que tu mirada recorra despacio la habitación.",
        "Quizá notes cómo tus hombros bajan un poco.",
        "No hay nada que puedas hacer bien o mal en este momento.",
        "Siente cómo la silla te sostiene y cómo tus pies tocan el suelo.",
        "Si aparecen pensamientos, puedes notarlos con amabilidad y dejarlos pasar.",
        "Deja que tu respiración fluya como quiera fluir ahora.",
        "Puedes abrir los ojos o hacer una pausa cuando lo necesites.",
        "Escucha un sonido cercano, y después uno que llega desde más lejos.",
        "Si te apetece, apoya una mano sobre el pecho y siente su calor.",
        "Estás aquí, en este lugar, en este día, y estás lo bastante a salvo.",
        "Observa qué parte de tu cuerpo se siente agradable o tranquila ahora.",
        "Cuando estés lista o listo, vuelve a tu propio ritmo.",
    ],
    "fr": [
        "Prenez un moment et laissez votre regard parcourir lentement la pièce.",
        "Vous remarquerez peut-être que vos épaules descendent un peu.",
        "Il n'y a rien que vous puissiez faire de juste ou de faux en ce moment.",
        "Sentez comme la chaise vous porte, et comme vos pieds touchent le sol.",
        "Si des pensées viennent, vous pouvez les remarquer avec douceur et les laisser passer.",
        "Laissez votre respiration aller comme elle le souhaite maintenant.",
        "Vous pouvez ouvrir les yeux ou faire une pause à tout moment.",
        "Écoutez un son tout proche, puis un son qui vient de plus loin.",
        "Si vous le voulez, posez une main sur votre poitrine et sentez sa chaleur.",
        "Vous êtes ici, dans cette pièce, en ce jour, et vous êtes suffisamment en sécurité.",
        "Remarquez ce qui, dans votre corps, semble agréable ou simplement neutre.",
        "Quand vous serez prêt ou prête, revenez à votre propre rythme.",
    ],
    "it": [
        "Prenditi un momento e lascia che lo sguardo si muova piano nella stanza.",
        "Forse noti che le spalle si abbassano un poco.",
        "Non c'è niente che tu possa fare giusto o sbagliato in questo momento.",
        "Senti come la sedia ti sostiene, e come i piedi toccano il pavimento.",
        "Se arrivano dei pensieri, puoi notarli con gentilezza e lasciarli andare.",
        "Lascia che il respiro scorra come desidera adesso.",
        "Puoi aprire gli occhi o fare una pausa in qualsiasi momento.",
        "Ascolta un suono vicino, e poi uno che arriva da più lontano.",
        "Se ti va, appoggia una mano sul petto e senti il suo calore.",
        "Sei qui, in questa stanza, in questo giorno, e sei abbastanza al sicuro.",
        "Nota che cosa nel corpo ti sembra piacevole o semplicemente neutro.",
        "Quando sei pronta o pronto, ritorna con il tuo ritmo.",
    ],
}

PASSAGES = {
    "de": [
        "Im Nebenzimmer schaltete sich der Wasserkocher ab, und im Haus wurde es wieder still.",
        "Draußen fegte eine Nachbarin langsam das Laub vom Weg.",
        "Am Samstag fährt der Bus erst spät, deshalb gehen wir zu Fuß zum Markt.",
        "Der Bäcker hat versprochen, für alle frisches Brot zu backen.",
        "Am Abend kam der Regen aus dem Westen und wusch den Staub von der Straße.",
        "Eine Weile sprach niemand, man hörte nur die Uhr über dem Bücherregal.",
        "Thomas faltete die Landkarte vorsichtig, weil die Ecken schon einrissen.",
        "Meine Schwester schreibt mir jeden Sonntag einen langen Brief.",
    ],
    "es": [
        "En la habitación de al lado se apagó la tetera y la casa volvió a quedar en silencio.",
        "Fuera, una vecina barría despacio las hojas del camino.",
        "El sábado el autobús sale tarde, así que iremos andando al mercado.",
        "El panadero prometió pan recién hecho para todos.",
        "Por la tarde llegó la lluvia del oeste y limpió el polvo de la carretera.",
        "Durante un rato nadie habló; solo se oía el reloj encima de la estantería.",
        "Tomás dobló el mapa con cuidado, porque las esquinas ya empezaban a romperse.",
        "Mi hermana me escribe una carta larga todos los domingos.",
    ],
    "fr": [
        "Dans la pièce voisine, la bouilloire s'est arrêtée et la maison est redevenue calme.",
        "Dehors, une voisine balayait lentement les feuilles du chemin.",
        "Le samedi, le bus part tard, alors nous irons au marché à pied.",
        "Le boulanger a promis du pain frais pour tout le monde.",
        "Le soir, la pluie est arrivée de l'ouest et a lavé la poussière de la route.",
        "Pendant un moment, personne n'a parlé; on n'entendait que l'horloge au-dessus de la bibliothèque.",
        "Thomas a plié la carte avec soin, parce que les coins commençaient déjà à se déchirer.",
        "Ma sœur m'écrit une longue lettre chaque dimanche.",
    ],
    "it": [
        "Nella stanza accanto il bollitore si è spento e la casa è tornata silenziosa.",
        "Fuori, una vicina spazzava piano le foglie dal sentiero.",
        "Il sabato l'autobus parte tardi, quindi andremo al mercato a piedi.",
        "Il fornaio ha promesso pane fresco per tutti.",
        "La sera è arrivata la pioggia da ovest e ha lavato la polvere dalla strada.",
        "Per un po' nessuno ha parlato; si sentiva solo l'orologio sopra la libreria.",
        "Tommaso ha piegato la cartina con cura, perché gli angoli cominciavano già a strapparsi.",
        "Mia sorella mi scrive una lunga lettera ogni domenica.",
    ],
}

# GENTLE: passages in the manner of a practice (tracking a sensation, a worried part, the
# end of a day), written anew in each language for the language bench, none in the
# library: with PASSAGES about 300 words a language, so one word heard wrong is a third
# of a percent.
GENTLE = {
    "de": [
        "Wenn du magst, such dir einen Platz, an dem dich eine Weile niemand stört.",
        "Es ist völlig in Ordnung, wenn du noch unruhig bist und die Ruhe auf sich warten lässt.",
        "Vielleicht spürst du irgendwo eine Enge, im Hals, in der Brust oder im Bauch.",
        "Du musst nichts daran ändern; es genügt, sie für einen Augenblick zu bemerken.",
        "Manchmal hilft es, ihr einen Namen zu geben, etwa Druck, Wärme oder Kribbeln.",
        "Schau ruhig nach, ob sie eine Form hat, eine Farbe oder eine Temperatur.",
        "Danach wandert deine Aufmerksamkeit zu einer Stelle, die sich etwas ruhiger "
        "anfühlt, vielleicht zu deinen Händen oder zu deinen Fußsohlen.",
        "Ein Teil von dir möchte vielleicht sofort wissen, ob alles gut ausgeht.",
        "Dieser Teil hat lange Zeit auf dich aufgepasst, und du darfst ihm dafür danken.",
        "Du kannst ihm leise sagen, dass du jetzt da bist und dich selbst um dich kümmerst.",
        "Wenn Tränen kommen, dürfen sie da sein, und wenn nichts kommt, ist das genauso gut.",
        "Lass die Schultern sinken und den Kiefer ein wenig weicher werden.",
        "Draußen wird es allmählich dunkel, und die Geräusche der Straße werden leiser.",
        "Du hast heute etwas Freundliches für dich getan, auch wenn es dir klein vorkommt.",
        "Nimm mit, was dir gutgetan hat, und lass alles andere einfach hier.",
        "Sobald du bereit bist, kannst du dich strecken und in deinem Tempo in den Tag "
        "zurückkehren.",
    ],
    "es": [
        "Si te apetece, busca un sitio donde nadie te moleste durante un rato.",
        "No pasa nada si todavía sientes inquietud y la calma tarda en llegar.",
        "A lo mejor notas una presión en alguna parte, en la garganta, en el pecho o en la "
        "tripa.",
        "No hace falta cambiarla; basta con darte cuenta de ella un momento.",
        "A veces ayuda ponerle un nombre, como peso, calor u hormigueo.",
        "Fíjate, sin prisa, en si tiene una forma, un color o una temperatura.",
        "Luego lleva la atención a una zona que se sienta un poco más tranquila, quizá las "
        "manos o las plantas de los pies.",
        "Puede que una parte de ti quiera saber ahora mismo si todo va a salir bien.",
        "Esa parte lleva mucho tiempo cuidándote, y puedes darle las gracias por ello.",
        "Puedes decirle en voz baja que ahora estás aquí y que te vas a cuidar.",
        "Si llegan las lágrimas, pueden quedarse, y si no llega nada, también está bien.",
        "Deja que los hombros bajen y que la mandíbula se suelte un poco.",
        "Fuera empieza a anochecer, y el ruido de la calle se va apagando.",
        "Hoy has hecho algo bueno por ti, aunque te parezca poca cosa.",
        "Llévate lo que te ha sentado bien y deja aquí todo lo demás.",
        "Cuando quieras, puedes estirarte y volver a tu día a tu propio ritmo.",
    ],
    "fr": [
        "Si vous le souhaitez, trouvez un endroit où personne ne viendra vous déranger "
        "pendant un moment.",
        "C'est tout à fait normal de ressentir encore de l'agitation et de ne pas trouver le "
        "calme tout de suite.",
        "Vous sentez peut-être une tension quelque part, dans la gorge, dans la poitrine ou "
        "dans le ventre.",
        "Inutile de la changer; il suffit de la remarquer un instant.",
        "Parfois, cela aide de lui donner un nom, comme lourdeur, chaleur ou picotement.",
        "Regardez tranquillement si elle a une forme, une couleur ou une température.",
        "Ensuite, portez votre attention vers un endroit qui semble un peu plus calme, "
        "peut-être vos mains ou la plante de vos pieds.",
        "Une part de vous voudrait peut-être savoir tout de suite si tout ira bien.",
        "Cette part veille sur vous depuis longtemps, et vous pouvez la remercier.",
        "Vous pouvez lui dire doucement : « Merci, je suis là maintenant, je m'occupe de "
        "nous. »",
        "Si des larmes viennent, elles ont leur place, et si rien ne vient, c'est très bien "
        "aussi.",
        "Laissez les épaules descendre et la mâchoire se détendre un peu.",
        "Dehors, la lumière baisse doucement et les bruits de la rue s'apaisent.",
        "Aujourd'hui, vous avez fait quelque chose de bon pour vous, même si cela paraît "
        "petit.",
        "Gardez ce qui vous a fait du bien et laissez le reste ici.",
        "Quand vous le voudrez, vous pourrez vous étirer et retrouver votre journée à votre "
        "rythme.",
    ],
    "it": [
        "Se ti va, cerca un posto dove nessuno ti disturbi per un po'.",
        "Va benissimo se senti ancora agitazione e la calma non arriva subito.",
        "Forse avverti una tensione da qualche parte, nella gola, nel petto o nella pancia.",
        "Non serve cambiarla; basta accorgersene per un momento.",
        "A volte aiuta darle un nome, come peso, calore o formicolio.",
        "Guarda con calma se ha una forma, un colore o una temperatura.",
        "Poi porta l'attenzione in un punto che sembra un po' più tranquillo, magari le mani "
        "o le piante dei piedi.",
        "Una parte di te forse vorrebbe sapere subito se andrà tutto bene.",
        "Quella parte si prende cura di te da tanto tempo, e puoi ringraziarla.",
        "Puoi dirle sottovoce che adesso ci sei tu e che ti occuperai di te.",
        "Se arrivano le lacrime, possono restare, e se non arriva niente, va bene lo stesso.",
        "Lascia che le spalle scendano e che la mascella si ammorbidisca un poco.",
        "Fuori comincia a fare buio, e i rumori della strada si fanno più lievi.",
        "Oggi hai fatto qualcosa di gentile per te, anche se ti sembra poco.",
        "Porta con te ciò che ti ha fatto bene e lascia qui tutto il resto.",
        "Quando vuoi, puoi stiracchiarti e tornare alla tua giornata con il tuo ritmo.",
    ],
}
