"""Texts for Pico's rate calibration (``pico_calibration.py``) and the language bench
(``language_bench.py``), written for them in each language: none is in the library.

CALIBRATION: sentences in the manner of a practice (the rate is set for that kind of
speech). PASSAGES: everyday narrative, as the English passage of ``voice_bench.py``,
for the listener to write down.
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
